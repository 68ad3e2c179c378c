// One business step, one transaction. Runs `step` inside the request's transaction when it already has
// one; otherwise opens one, commits it, and runs the step again after a deadlock or serialization failure.
import type { PayloadRequest } from 'payload'
import { commitTransaction, initTransaction, killTransaction } from 'payload'

import { isRetryable } from './errors'

const MAX_ATTEMPTS = 5

export async function inTransaction<T>(req: PayloadRequest, step: (req: PayloadRequest) => Promise<T>): Promise<T> {
  if (req.transactionID) return step(req)
  for (let attempt = 1; ; attempt++) {
    await initTransaction(req)
    try {
      const result = await step(req)
      await commitTransaction(req)
      return result
    } catch (err) {
      await killTransaction(req)
      delete req.transactionID
      if (!isRetryable(err) || attempt >= MAX_ATTEMPTS) throw err
      // Brief, jittered back-off so the competing transaction can finish first.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt))
    }
  }
}
