// Catalogue search under load: GET /api/catalogue over HTTP beside the raw-SQL floor of the same
// statements (the shop's own, from src/shop/catalogue.ts, rendered to SQL text once), at one catalogue size.
import { PgDialect } from 'drizzle-orm/pg-core'
import type pg from 'pg'

import { type CatalogueQuery, correctionStatement, pageStatement, queryWords } from '../src/shop/catalogue'
import { type Measured, measureSql } from './floor'
import type { BenchShop } from './server'

export type SearchRow = { products: number; query: string; what: string; matches: number; anonymous: Measured; loggedIn: Measured; uncached: Measured; floor: Measured }

/** A specific query (a few products), a broad one-word query (a kind: 5 % of the catalogue), and a typo of it. */
export const SEARCHES = [
  { what: 'specific (kind, quality, maker)', q: 'молоко фермерский простоквашино' },
  { what: 'broad (one word, 5 % of the catalogue)', q: 'кефир' },
  { what: 'typo, corrected ("кифир" → "кефир")', q: 'кифир' },
]

const dialect = new PgDialect()
const render = (statement: Parameters<PgDialect['sqlToQuery']>[0]) => dialect.sqlToQuery(statement)

/** The statements one search runs in the shop: the page, and for a word that matches nothing, the correction and the page again. */
function floorOf(q: string, query: CatalogueQuery, corrected: string | null) {
  const page = render(pageStatement(q, query))
  if (!corrected) return async (c: pg.PoolClient) => void (await c.query(page.sql, page.params))
  const correction = render(correctionStatement(queryWords(q)))
  const again = render(pageStatement(corrected, query))
  return async (c: pg.PoolClient) => {
    await c.query(page.sql, page.params)
    await c.query(correction.sql, correction.params)
    await c.query(again.sql, again.params)
  }
}

/**
 * Each query anonymous and logged in (both answered from the catalogue cache after the first request: the
 * search is the same for everyone), and uncached on a second process with CATALOGUE_CACHE=0 (every request
 * to the database), beside the floor.
 */
export async function measureSearch(
  shop: BenchShop,
  http: (url: string, path: string, token?: string) => Promise<Measured>,
  token: string,
  seconds: number,
  products: number,
  store: number,
): Promise<SearchRow[]> {
  const rows: SearchRow[] = []
  const direct = await shop.startWeb({ CATALOGUE_CACHE: '0', SHOP_ADMIN: 'off', SHOP_JOBS: 'off' })
  try {
    for (const { what, q } of SEARCHES) {
      const path = `/api/catalogue?q=${encodeURIComponent(q)}&store=${store}&limit=24`
      const response = await fetch(`${shop.url}${path}`)
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`)
      const answer = (await response.json()) as { totalDocs: number; correctedQuery: string | null }
      const anonymous = await http(shop.url, path)
      const loggedIn = await http(shop.url, path, token)
      const uncached = await http(direct.url, path)
      const query: CatalogueQuery = { q, store, page: 1, limit: 24 }
      const floor = await measureSql(shop.databaseUrl, 32, seconds, floorOf(q, query, answer.correctedQuery))
      rows.push({ products, query: q, what, matches: answer.totalDocs, anonymous, loggedIn, uncached, floor })
    }
  } finally {
    await direct.stop()
  }
  return rows
}
