// Raw SQL for the few statements that must be one conditional write (stock decrements, cart upserts).
// Runs inside the request's transaction when it has one, so it commits or rolls back with the rest.
import type { PostgresAdapter } from '@payloadcms/db-postgres'
import type { PayloadRequest } from 'payload'

import { sql } from '@payloadcms/db-postgres'
import type { SQL } from 'drizzle-orm'

export { sql }

export async function execute<Row extends Record<string, unknown>>(
  req: PayloadRequest,
  statement: SQL,
): Promise<{ rows: Row[]; rowCount: number }> {
  const adapter = req.payload.db as unknown as PostgresAdapter
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
