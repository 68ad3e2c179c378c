// One business step, one transaction. Runs `step` inside the request's transaction when it already has
// one; otherwise opens one, commits it, and runs the step again after a deadlock or serialization failure.
import type { PayloadRequest } from 'payload'
import { commitTransaction, initTransaction, killTransaction } from 'payload'

import { isRetryable } from './errors'

const MAX_ATTEMPTS = 5

/** What to do once the transaction a request runs in has committed (see afterCommit). */
const onCommit = new WeakMap<PayloadRequest, Array<() => void>>()

/**
 * Runs `effect` once the step's transaction has committed, never if it rolls back (a metric, say: a
 * reservation that was rolled back did not happen). Outside a transaction of inTransaction's, at once.
 */
export function afterCommit(req: PayloadRequest, effect: () => void) {
  const effects = onCommit.get(req)
  if (effects) effects.push(effect)
  else effect()
}

export async function inTransaction<T>(req: PayloadRequest, step: (req: PayloadRequest) => Promise<T>): Promise<T> {
  if (req.transactionID) return step(req)
  for (let attempt = 1; ; attempt++) {
    await initTransaction(req)
    const effects: Array<() => void> = []
    onCommit.set(req, effects)
    try {
      const result = await step(req)
      await commitTransaction(req)
      onCommit.delete(req)
      for (const effect of effects) effect()
      return result
    } catch (err) {
      onCommit.delete(req)
      await killTransaction(req)
      delete req.transactionID
      if (!isRetryable(err) || attempt >= MAX_ATTEMPTS) throw err
      // Brief, jittered back-off so the competing transaction can finish first.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt))
    }
  }
}
