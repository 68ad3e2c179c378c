// Idempotency-Key for the shop's non-checkout writes (stock receipts, counts, write-offs …): the same key
// with the same body answers the first answer again and applies the change once; the same key with another
// body is 422. The key is claimed inside the operation's own transaction, so a failed operation forgets it
// (a retry runs afresh) and two requests with one key at once take turns on its unique index.
import crypto from 'node:crypto'

import type { PayloadRequest } from 'payload'
import { z } from 'zod'

import { execute, sql } from '../db/sql'
import { IdempotencyKeyReused } from './errors'

/** How long answers are kept for replays, checkout's included (the settlement job deletes older ones). */
export const IDEMPOTENCY_RETENTION_HOURS = 48

export const idempotencyKeyHeader = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, '1-255 visible ASCII characters')
  .describe(`Recommended. The same key (same user) with the same body → the first answer again, applied once; kept ${IDEMPOTENCY_RETENTION_HOURS} h`)

export const requestHash = (value: unknown) => crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex')

/**
 * Runs `operation` once per (scope, user, key) inside the caller's transaction (`req` must carry one): a
 * replay with the same `hash` answers the stored answer, another hash is 422. Without a key it just runs.
 */
export async function once<T>(
  req: PayloadRequest,
  claim: { scope: string; userId: number | string; key: string | undefined; hash: string },
  operation: () => Promise<T>,
): Promise<T> {
  if (claim.key === undefined) return operation()
  const { rows } = await execute<{ id: number }>(
    req,
    sql`INSERT INTO idempotency_keys (scope, user_id, key, request_hash)
        VALUES (${claim.scope}, ${claim.userId}, ${claim.key}, ${claim.hash})
        ON CONFLICT (scope, user_id, key) DO NOTHING RETURNING id`,
  )
  if (!rows[0]) {
    // The first request committed (its row lock made us wait for it): answer as it did.
    const { rows: earlier } = await execute<{ request_hash: string; response: T }>(
      req,
      sql`SELECT request_hash, response FROM idempotency_keys
          WHERE scope = ${claim.scope} AND user_id = ${claim.userId} AND key = ${claim.key}`,
    )
    if (earlier[0]!.request_hash !== claim.hash) throw new IdempotencyKeyReused()
    return earlier[0]!.response
  }
  const answer = await operation()
  await execute(req, sql`UPDATE idempotency_keys SET response = ${JSON.stringify(answer)}::jsonb WHERE id = ${rows[0].id}`)
  return answer
}
