// Raw SQL for the few statements that must be one conditional write (stock decrements, cart upserts).
// Runs inside the request's transaction when it has one, so it commits or rolls back with the rest.
import type { Payload, PayloadRequest } from 'payload'

import { sql } from '@payloadcms/db-postgres'
import type { SQL } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import { postgresOf } from './adapter'

export { sql }

/** `a, b, c` as bound parameters, for `IN (…)`. */
export const sqlList = (values: readonly (string | number)[]): SQL => sql.join(values.map((v) => sql`${v}`), sql`, `)

export async function execute<Row extends Record<string, unknown>>(
  req: PayloadRequest,
  statement: SQL,
): Promise<{ rows: Row[]; rowCount: number }> {
  const adapter = postgresOf(req.payload)
  let db = adapter.drizzle
  if (req.transactionID) {
    const session = adapter.sessions[await req.transactionID]
    // Never fall back to autocommit silently: that would split one business step in two.
    if (!session) throw new Error('The transaction of this request has already ended')
    db = session.db as typeof db
  }
  const result = (await db.execute(statement)) as unknown as { rows: Row[]; rowCount: number | null }
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length }
}

type Outside = { pool: pg.Pool; db: ReturnType<typeof drizzle> }
const outsidePools = new WeakMap<Payload, Outside>()
const closed = new WeakSet<Payload>()

/**
 * Runs `statement` on a small pool of its own, outside any transaction: for the counters that must hold
 * whatever the request's transaction does (a failed login rolls it back, its failure must still count).
 * Not Payload's pool: those statements run while the request's transaction already holds one of its
 * connections, and asking it for a second could wait forever once a login flood holds them all.
 */
export async function executeOutside<Row extends Record<string, unknown>>(payload: Payload, statement: SQL): Promise<{ rows: Row[]; rowCount: number }> {
  let outside = outsidePools.get(payload)
  if (!outside) {
    if (closed.has(payload)) throw new Error('The pool outside transactions is closed (the shop is shutting down)')
    const { connectionString } = postgresOf(payload).poolOptions
    // Short statements only (counters): a stuck one must not hold every login of the process.
    const pool = new pg.Pool({ connectionString, max: 4, allowExitOnIdle: true, connectionTimeoutMillis: 5_000, statement_timeout: 5_000 })
    pool.on('error', (err) => payload.logger.warn(`A connection outside transactions was lost: ${err.message}`))
    outside = { pool, db: drizzle({ client: pool }) }
    outsidePools.set(payload, outside)
  }
  const result = (await outside.db.execute(statement)) as unknown as { rows: Row[]; rowCount: number | null }
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length }
}

/** Closes that pool (at shutdown, before the database goes away), after the statements still running. */
export async function closeOutsidePool(payload: Payload) {
  const outside = outsidePools.get(payload)
  outsidePools.delete(payload)
  closed.add(payload)
  await outside?.pool.end().catch(() => {})
}
