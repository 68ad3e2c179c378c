// The per-IP budget of login and registration attempts (AUTH_RATE_LIMIT a minute), counted in PostgreSQL
// so that every process of the shop draws on the same budget.
//
// Fixed one-minute windows: one row per client and window in `auth_attempts` (a plain table made by the
// migration 20261126_170000_auth_rate_limit, not a Payload collection), bumped by ONE atomic upsert per
// attempt, which also says how many attempts that window has seen. A client can therefore make at most
// twice the limit within a minute that straddles two windows; that is the price of one row and one
// statement per attempt. Rows of past windows are deleted at most once a minute per process.
// Counted outside the request's transaction (executeOutside): the attempt counts whatever Payload then does.
import type { PayloadRequest } from 'payload'

import { executeOutside, sql } from '../../db/sql'
import { TooManyRequests } from '../errors'
import { userCan } from '../roles'
import { settingsOf } from '../../settings'
import { clientOf } from './clientAddress'

/** How long rows of past windows are kept (for a look at recent abuse), before the purge deletes them. */
const KEEP = '5 minutes'
const PURGE_EVERY_MS = 60_000
const lastPurge = new WeakMap<object, number>()

export type AttemptCount = {
  /** Attempts from this client in the current window, this one included. */
  count: number
  /** Seconds until the window ends (1-60): the Retry-After of a refusal. */
  retryAfter: number
}

/** Counts one attempt from `key` (see clientKey) and tells how many this window has seen. */
export async function countAuthAttempt(payload: PayloadRequest['payload'], key: string): Promise<AttemptCount> {
  // PostgreSQL's clock, not this process's: every process must agree on where a window starts.
  const { rows } = await executeOutside<{ count: number; retry_after: number }>(
    payload,
    sql`INSERT INTO auth_attempts (ip, window_start, count)
        VALUES (${key.slice(0, 64)}, date_trunc('minute', now()), 1)
        ON CONFLICT (ip, window_start) DO UPDATE SET count = auth_attempts.count + 1
        RETURNING count, GREATEST(1, ceil(extract(epoch FROM window_start + interval '1 minute' - now())))::int AS retry_after`,
  )
  purgeNowAndThen(payload)
  return { count: rows[0]!.count, retryAfter: rows[0]!.retry_after }
}

/** Deletes past windows, at most once a minute per process, without holding up the attempt. */
function purgeNowAndThen(payload: PayloadRequest['payload']) {
  const now = Date.now()
  if (now - (lastPurge.get(payload) ?? 0) < PURGE_EVERY_MS) return
  lastPurge.set(payload, now)
  void executeOutside(payload, sql`DELETE FROM auth_attempts WHERE window_start < now() - ${KEEP}::interval`).catch((err: Error) =>
    payload.logger.warn(`Could not purge old auth attempts: ${err.message}`),
  )
}

/**
 * Login, registration, password-reset requests and credential changes with `currentPassword` draw on one
 * budget per client address: AUTH_RATE_LIMIT attempts a minute, across processes. Every REST attempt counts,
 * successful or not; the one over the limit is refused with 429 before Payload looks at it, so it creates
 * no account and raises no account's failed-login counter. Failed logins are also throttled per account and
 * address on top of this (./loginThrottle.ts); no account is ever locked. Not counted: the Local API (seed,
 * create-admin, server code) and admins, who create accounts as staff.
 */
export async function spendAuthAttempt(req: PayloadRequest) {
  const limit = settingsOf(req.payload).authRateLimit
  if (limit <= 0 || req.payloadAPI !== 'REST' || userCan(req, 'users.manage')) return
  const { count, retryAfter } = await countAuthAttempt(req.payload, clientOf(req))
  if (count > limit) {
    throw new TooManyRequests(`Too many login or registration attempts from your address; try again in ${retryAfter} s.`, retryAfter)
  }
}
