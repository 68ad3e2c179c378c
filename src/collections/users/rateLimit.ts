// The per-IP budget of login and registration attempts (AUTH_RATE_LIMIT a minute), counted in PostgreSQL
// so that every process of the shop draws on the same budget.
//
// Fixed one-minute windows: one row per client and window in `auth_attempts` (a plain table made by the
// migration 20261126_170000_auth_rate_limit, not a Payload collection), bumped by ONE atomic upsert per
// attempt, which also says how many attempts that window has seen. A client can therefore make at most
// twice the limit within a minute that straddles two windows; that is the price of one row and one
// statement per attempt. Rows of past windows are deleted at most once a minute per process.
//
// The counter runs on connections of its own (as the payment stub does): registration's beforeOperation
// hook runs inside the request's transaction, which already holds one of Payload's pool connections, and
// asking the same pool for a second one could wait forever once a registration flood holds them all.
import net from 'node:net'

import type { PostgresAdapter } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'
import pg from 'pg'

/**
 * The client's address, as the Express front saw it on the socket (src/http/app.ts sets it and overwrites
 * whatever a client sent under this name). Requests that arrive without it (the in-process handler used by
 * tests, anything that bypasses Express) all share the key `unknown`, so the limit still applies to them.
 */
export const CLIENT_IP_HEADER = 'x-shop-client-ip'
export const UNKNOWN_CLIENT = 'unknown'

/** How long rows of past windows are kept (for a look at recent abuse), before the purge deletes them. */
const KEEP = '5 minutes'
const PURGE_EVERY_MS = 60_000

/**
 * The key a client is counted under: an IPv4 address as is (also when written IPv4-mapped, `::ffff:1.2.3.4`),
 * an IPv6 address by its /64 network (one subscriber usually holds a whole /64, so counting single IPv6
 * addresses would give one client 2^64 budgets), anything else `unknown`.
 */
export function clientKey(value: string | null | undefined): string {
  const address = (value ?? '').trim().replace(/%.*$/, '') // drop an IPv6 zone (fe80::1%eth0)
  if (net.isIPv4(address)) return address
  if (!net.isIPv6(address)) return UNKNOWN_CLIENT
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped && net.isIPv4(mapped[1]!)) return mapped[1]!
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) stands for two groups.
  const split = (part: string) => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])))
  const [head, tail] = address.split('::') as [string, string | undefined]
  const left = split(head)
  const right = tail === undefined ? [] : split(tail)
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return groups.map((g) => parseInt(g, 16).toString(16))
}

type Counter = { pool: pg.Pool; lastPurge: number; purging: Promise<void> | null }
const counters = new WeakMap<Payload, Counter>()

function counterFor(payload: Payload): Counter {
  let counter = counters.get(payload)
  if (!counter) {
    const { connectionString } = (payload.db as unknown as PostgresAdapter).poolOptions
    const pool = new pg.Pool({ connectionString, max: 2, allowExitOnIdle: true })
    pool.on('error', (err) => payload.logger.warn(`Auth rate limiter lost a connection: ${err.message}`))
    counter = { pool, lastPurge: 0, purging: null }
    counters.set(payload, counter)
  }
  return counter
}

export type AttemptCount = {
  /** Attempts from this client in the current window, this one included. */
  count: number
  /** Seconds until the window ends (1-60): the Retry-After of a refusal. */
  retryAfter: number
}

/** Counts one attempt from `key` (see clientKey) and tells how many this window has seen. */
export async function countAuthAttempt(payload: Payload, key: string): Promise<AttemptCount> {
  const counter = counterFor(payload)
  // PostgreSQL's clock, not this process's: every process must agree on where a window starts.
  const { rows } = await counter.pool.query<{ count: number; retry_after: number }>(
    `INSERT INTO auth_attempts (ip, window_start, count)
     VALUES ($1, date_trunc('minute', now()), 1)
     ON CONFLICT (ip, window_start) DO UPDATE SET count = auth_attempts.count + 1
     RETURNING count, GREATEST(1, ceil(extract(epoch FROM window_start + interval '1 minute' - now())))::int AS retry_after`,
    [key.slice(0, 64)],
  )
  purgeNowAndThen(payload, counter)
  return { count: rows[0]!.count, retryAfter: rows[0]!.retry_after }
}

/** Deletes past windows, at most once a minute per process, without holding up the attempt. */
function purgeNowAndThen(payload: Payload, counter: Counter) {
  const now = Date.now()
  if (counter.purging || now - counter.lastPurge < PURGE_EVERY_MS) return
  counter.lastPurge = now
  counter.purging = counter.pool
    .query(`DELETE FROM auth_attempts WHERE window_start < now() - interval '${KEEP}'`)
    .then(
      () => undefined,
      (err: Error) => payload.logger.warn(`Could not purge old auth attempts: ${err.message}`),
    )
    .finally(() => {
      counter.purging = null
    })
}

/** Closes the limiter's connections (at shutdown, before the database goes away). */
export async function closeAuthRateLimit(payload: Payload) {
  const counter = counters.get(payload)
  counters.delete(payload)
  if (!counter) return
  await counter.purging
  await counter.pool.end().catch(() => {})
}
