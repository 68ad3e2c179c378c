// Login throttling that a stranger cannot turn against the owner. Failures are counted per account AND
// client address: after FAILURES_BEFORE_WAIT failures, that address waits before trying that account again
// (30 s, doubling with every further failure, at most an hour), while the same account from any other
// address logs in as usual. Across all addresses, more than ACCOUNT_CEILING failures in an hour slow that
// account down to one attempt every ACCOUNT_SLOT_SECONDS for everyone: slower, never locked.
//
// Written outside the request's transaction: a failed login rolls its transaction back, and the failure
// must still count.
import crypto from 'node:crypto'

import type { PayloadRequest } from 'payload'

import { execute, executeOutside, sql } from '../../db/sql'
import { TooManyRequests } from '../errors'
import { clientOf } from './clientAddress'

export const FAILURES_BEFORE_WAIT = 5
export const ACCOUNT_CEILING = 100
export const ACCOUNT_SLOT_SECONDS = 10
const FIRST_WAIT_SECONDS = 30
const LONGEST_WAIT_SECONDS = 3600
/** Failures older than this no longer count: the next one starts a new series. */
const FORGET_AFTER = '1 day'

/**
 * The login Payload will look the account up by, exactly as its login operation does
 * (payload/dist/auth/operations/login.js): the `username` field when it is a non-empty string, else
 * `email`; lower-cased and trimmed; matched against usernames and emails alike. Null: nothing to look up.
 */
export function loginLookup(data: Record<string, unknown> | undefined): string | null {
  const pick = (value: unknown) => (typeof value === 'string' ? value.toLowerCase().trim() : '')
  return pick(data?.username) || pick(data?.email) || null
}

/** An attempt on an account from an address, as the throttle counts it. */
export type LoginAttempt = { account: string; userId: number | null; ip: string }

/**
 * The account an attempt counts against: the user Payload will find for `lookup` (so the email, the
 * username, any case or padding are one account), or, with no such user, a keyed hash of the lookup (so
 * unknown logins are throttled alike and the answer tells nothing). No address is stored.
 */
export async function loginAttempt(req: PayloadRequest, lookup: string, ip: string): Promise<LoginAttempt> {
  const { rows } = await executeOutside<{ id: number }>(
    req.payload,
    sql`SELECT id FROM users WHERE email = ${lookup} OR username = ${lookup} ORDER BY id LIMIT 1`,
  )
  const userId = rows[0]?.id ?? null
  const name = userId === null ? `login:${lookup}` : `user:${userId}`
  return { account: crypto.createHmac('sha256', req.payload.secret).update(name).digest('hex').slice(0, 40), userId, ip }
}

/** Refuses (429 with Retry-After) an attempt on this account from an address that must still wait, or while the account is slowed down and its next slot is taken. */
export async function refuseWhileThrottled(req: PayloadRequest, { account, ip }: LoginAttempt) {
  const db = req.payload
  const { rows } = await executeOutside<{ wait: number }>(
    db,
    sql`SELECT ceil(extract(epoch FROM blocked_until - now()))::int AS wait FROM login_throttles
        WHERE account = ${account} AND ip = ${ip} AND blocked_until > now()`,
  )
  if (rows[0]) throw new TooManyRequests(`Too many failed logins to this account from your address; try again in ${rows[0].wait} s.`, rows[0].wait)
  // Over the hourly ceiling: one attempt per slot, whoever takes it.
  const slot = await executeOutside(
    db,
    sql`UPDATE login_accounts SET next_attempt_at = now() + make_interval(secs => ${ACCOUNT_SLOT_SECONDS})
        WHERE account = ${account} AND window_start = date_trunc('hour', now()) AND failures >= ${ACCOUNT_CEILING}
          AND (next_attempt_at IS NULL OR next_attempt_at <= now())
        RETURNING account`,
  )
  if (slot.rowCount > 0) return
  const { rows: busy } = await executeOutside<{ wait: number }>(
    db,
    sql`SELECT GREATEST(1, ceil(extract(epoch FROM next_attempt_at - now())))::int AS wait FROM login_accounts
        WHERE account = ${account} AND window_start = date_trunc('hour', now()) AND failures >= ${ACCOUNT_CEILING}
          AND next_attempt_at > now()`,
  )
  if (busy[0]) throw new TooManyRequests(`This account is receiving many failed logins; try again in ${busy[0].wait} s.`, busy[0].wait)
}

/** Counts a failed login on the attempt's account from its address. */
export async function countLoginFailure(req: PayloadRequest, { account, userId, ip }: LoginAttempt) {
  const db = req.payload
  await executeOutside(
    db,
    sql`INSERT INTO login_throttles (account, ip, user_id, failures, last_failure_at, updated_at, created_at)
        VALUES (${account}, ${ip}, ${userId}, 1, now(), now(), now())
        ON CONFLICT (account, ip) DO UPDATE SET
          failures = CASE WHEN login_throttles.last_failure_at < now() - ${FORGET_AFTER}::interval THEN 1 ELSE login_throttles.failures + 1 END,
          last_failure_at = now(), updated_at = now()`,
  )
  await executeOutside(
    db,
    sql`UPDATE login_throttles SET blocked_until = now() + make_interval(secs => LEAST(${LONGEST_WAIT_SECONDS}, ${FIRST_WAIT_SECONDS} * power(2, failures - ${FAILURES_BEFORE_WAIT})))
        WHERE account = ${account} AND ip = ${ip} AND failures >= ${FAILURES_BEFORE_WAIT}`,
  )
  await executeOutside(
    db,
    sql`INSERT INTO login_accounts (account, window_start, failures) VALUES (${account}, date_trunc('hour', now()), 1)
        ON CONFLICT (account) DO UPDATE SET
          failures = CASE WHEN login_accounts.window_start = date_trunc('hour', now()) THEN login_accounts.failures + 1 ELSE 1 END,
          window_start = date_trunc('hour', now())`,
  )
}

/** A successful login clears that address's failures for the account (not other addresses'). */
export async function forgetLoginFailures(req: PayloadRequest, { account, ip }: LoginAttempt) {
  await executeOutside(req.payload, sql`DELETE FROM login_throttles WHERE account = ${account} AND ip = ${ip}`)
}

/**
 * The attempt a login body makes: on the account Payload will look up, however the body names it (email,
 * username, both, any case or padding), from the client's address. Null when it names no login.
 * Resolved once per request: the check before and the outcome after count the same account.
 */
async function attemptOf(req: PayloadRequest, data: Record<string, unknown> | undefined): Promise<LoginAttempt | null> {
  const cached = req.context.loginAttempt as LoginAttempt | null | undefined
  if (cached !== undefined) return cached
  const lookup = loginLookup(data)
  const attempt = lookup === null ? null : await loginAttempt(req, lookup, clientOf(req))
  req.context.loginAttempt = attempt
  return attempt
}

/** Before Payload checks a login's password: an address that failed too often on this account waits (429). */
export async function refuseThrottledLogin(req: PayloadRequest, data: Record<string, unknown> | undefined) {
  const attempt = await attemptOf(req, data)
  if (attempt) await refuseWhileThrottled(req, attempt)
}

/** Runs a login and counts its outcome: a wrong password is a failure, a success clears this address's. */
export async function countLoginOutcome(req: PayloadRequest, login: () => Promise<Response>): Promise<Response> {
  try {
    const response = await login()
    const attempt = await attemptOf(req, req.data)
    if (response.status === 200 && attempt) await forgetLoginFailures(req, attempt)
    return response
  } catch (err) {
    const attempt = await attemptOf(req, req.data)
    if ((err as { status?: number }).status === 401 && attempt) await countLoginFailure(req, attempt)
    throw err
  }
}

/** An admin cleared a throttle: the account's slowdown across all addresses goes with it (in their transaction). */
export async function liftAccountSlowdown(req: PayloadRequest, account: string) {
  await execute(req, sql`DELETE FROM login_accounts WHERE account = ${account}`)
}
