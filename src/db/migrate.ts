import type { Migration, Payload } from 'payload'

import { migrations } from '../migrations'
import { postgresOf } from './adapter'

// Any constant will do, as long as every process of the shop uses the same one.
const MIGRATION_LOCK_KEY = 4_200_100_001

/**
 * Applies the committed migrations. Under a session advisory lock, so two processes starting at once on
 * one database take turns instead of both creating the same tables.
 */
export async function migrateDatabase(payload: Payload) {
  const pool = postgresOf(payload).pool
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    // Payload types a migration's arguments as unknown; ours take the Postgres adapter's.
    await payload.db.migrate({ migrations: migrations as unknown as Migration[] })
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {})
    client.release()
  }
}

/**
 * Payload's pool has no `error` listener: an idle client's error (say, the database restarting) would
 * crash the process. Log it instead; the pool replaces the client and requests answer 503 meanwhile.
 */
export function watchPool(payload: Payload) {
  const pool = postgresOf(payload).pool
  if (pool.listenerCount('error') === 0) {
    pool.on('error', (err: Error & { code?: string }) =>
      payload.logger.warn(`PostgreSQL connection lost: ${err.message}${err.code ? ` (${err.code})` : ''}`),
    )
  }
}

/**
 * Payload's destroy() leaves its pool open, with one client checked out for good, so the process (and
 * jest) would never exit. Release what is checked out, then end the pool.
 */
export async function closePool(payload: Payload) {
  const pool = postgresOf(payload).pool as unknown as {
    _clients?: Array<{ release?: (err?: Error) => void }>
    _idle?: Array<{ client: unknown }>
    ended?: boolean
    end: () => Promise<void>
    on: (event: 'error', listener: (err: Error) => void) => void
  }
  if (!pool || pool.ended) return
  // end() resolves before its connections have finished closing; a server that drops them meanwhile
  // (a database dropped or stopped right after) would otherwise raise an unhandled 'error' on the pool.
  pool.on('error', () => {})
  const idle = new Set((pool._idle ?? []).map((i) => i.client))
  for (const client of pool._clients ?? []) {
    if (!idle.has(client)) {
      try {
        client.release?.()
      } catch {
        // already released
      }
    }
  }
  await pool.end().catch(() => {})
}
