// Named prepared statements for the hot path (who is asking, the cart): PostgreSQL parses and plans each
// once per connection, and a request sends only the name and its values. No SQL text is built per request
// and nothing goes through drizzle's query builder (on these VMs every byte and round trip to the
// database costs; see BENCHMARKS.md, "The hot path").
import type { Payload, PayloadRequest } from 'payload'
import type pg from 'pg'

import { postgresOf } from './adapter'

export type Statement<Row> = { readonly name: string; readonly text: string; readonly row?: Row }

const names = new Map<string, string>()

/**
 * Declares a statement once, at module load. A name stands for one text on every connection (pg refuses a
 * known name with another text), so a second declaration of a name with another text is a bug.
 */
export function statement<Row extends Record<string, unknown>>(name: string, text: string): Statement<Row> {
  const known = names.get(name)
  if (known !== undefined && known !== text) throw new Error(`Prepared statement "${name}" is declared twice with different texts`)
  names.set(name, text)
  return { name, text }
}

/** The connection of the request's transaction, else Payload's pool. */
async function clientOf(target: PayloadRequest | Payload): Promise<pg.Pool | pg.ClientBase> {
  const req = 'payload' in target && 'headers' in target ? (target as PayloadRequest) : undefined
  const adapter = postgresOf(req ? req.payload : (target as Payload))
  if (!req?.transactionID) return adapter.pool
  const session = adapter.sessions[await req.transactionID]
  // Never fall back to autocommit silently: that would split one business step in two.
  const client = (session?.db as { session?: { client?: pg.ClientBase } } | undefined)?.session?.client
  if (!client) throw new Error('The transaction of this request has already ended')
  return client
}

/** Runs a declared statement: in the request's transaction when it has one, else on the pool. */
export async function run<Row extends Record<string, unknown>>(
  target: PayloadRequest | Payload,
  { name, text }: Statement<Row>,
  values: unknown[],
): Promise<{ rows: Row[]; rowCount: number }> {
  const client = await clientOf(target)
  try {
    const result = await client.query<Row>({ name, text, values })
    return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length }
  } catch (err) {
    throw new StatementFailed(name, text, err)
  }
}

/**
 * A declared statement that failed, shaped like drizzle's own query error: the log shows its `query` (name
 * and text, src/lib/scrub.ts) and never its values, which may be a buyer's contact. PostgreSQL's error is
 * the cause, where src/db/errors.ts finds its code.
 */
export class StatementFailed extends Error {
  readonly query: string
  /** PostgreSQL's SQLSTATE (or the socket's code), on top too: a 4xx is logged with its code but not its cause. */
  readonly code?: string
  constructor(name: string, text: string, cause: unknown) {
    super(`Failed query: ${name}`, { cause })
    this.name = 'StatementFailed'
    this.query = `${name}: ${text}`
    const code = (cause as { code?: unknown } | null)?.code
    if (typeof code === 'string') this.code = code
  }
}
