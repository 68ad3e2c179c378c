// The total of a catalogue list (`totalDocs` of GET /api/products) kept for as long as the catalogue itself
// is (CATALOGUE_CACHE, 2 s by default): Payload counts every matching product for every page it serves,
// and at 100,000 products that count costs more than the page. The page's documents are always read
// fresh; only its total may be that old. A write to products in this process forgets the totals at once
// (other processes: within the cache's time). Totals read inside a transaction are never cached.
import type { SQL } from 'drizzle-orm'
import type { Payload } from 'payload'

import { postgresOf } from '../db/adapter'

type CountArgs = { tableName: string; where?: SQL; joins: unknown[]; column?: unknown; db: unknown }
type Counting = {
  countDistinct: (args: CountArgs) => Promise<number>
  drizzle: { dialect: { sqlToQuery: (statement: SQL) => { sql: string; params: unknown[] } } }
}

/** Different lists (filters, access) at most; past it the memory starts over. */
const MAX_TOTALS = 500
/** The longest filter (its SQL and values) whose total is kept: at most MAX_TOTALS × this in memory. */
const MAX_KEY = 2_048

const totals = new WeakMap<Payload, Map<string, { until: number; total: Promise<number> }>>()

export function cacheCatalogueTotals(payload: Payload, keepMs: number) {
  if (keepMs <= 0) return
  const adapter = postgresOf(payload) as unknown as Counting
  const count = adapter.countDistinct.bind(adapter)
  const kept = new Map<string, { until: number; total: Promise<number> }>()
  totals.set(payload, kept)
  adapter.countDistinct = (args) => {
    // Only a list's plain total (not a count of distinct values), read outside any transaction.
    if (args.tableName !== 'products' || args.joins.length > 0 || args.column || args.db !== adapter.drizzle) return count(args)
    const where = args.where ? adapter.drizzle.dialect.sqlToQuery(args.where) : { sql: '', params: [] }
    const key = `${where.sql}\n${JSON.stringify(where.params)}`
    // A filter made up to fill the memory (a long `in` list, say) is counted every time instead.
    if (key.length > MAX_KEY) return count(args)
    const now = Date.now()
    const hit = kept.get(key)
    if (hit && hit.until > now) return hit.total
    if (kept.size >= MAX_TOTALS) kept.clear()
    const total = count(args)
    kept.set(key, { until: now + keepMs, total })
    total.catch(() => kept.delete(key)) // a failed count is not remembered
    return total
  }
}

/** After a write to products: every total is counted afresh. */
export const forgetCatalogueTotals = (payload: Payload) => totals.get(payload)?.clear()
