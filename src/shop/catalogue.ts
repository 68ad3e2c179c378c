// Catalogue search: active products by relevance to what the buyer typed, in Russian and English (full-text
// search over the name and description, stemmed in both configurations), with typos corrected against the
// catalogue's own words (trigram similarity), and what is available at a pickup point in the same answer.
import type { PayloadRequest } from 'payload'

import { execute, sql, sqlList } from '../db/sql'
import { env } from '../env'
import { milliToNumber, toMilli } from '../lib/quantity'
import { NotFound } from './errors'

export const CATALOGUE_SORTS = ['relevance', 'name', '-name', 'price', '-price'] as const
export type CatalogueSort = (typeof CATALOGUE_SORTS)[number]
export const MAX_PAGE_SIZE = 100
/** Words of a query corrected at the most (each one is a lookup among the catalogue's words). */
const MAX_CORRECTED_WORDS = 8

export type CatalogueQuery = { q?: string; store?: number; inStock?: boolean; sort?: CatalogueSort; page: number; limit: number }

type Row = { id: string; name: string; price: string; unit: string; step: string; photo: number | null; available: string | null; total: string }

export type Photo = { url: string | null; alt: string | null; width: number | null; height: number | null; sizes: Record<string, { url: string | null; width: number | null; height: number | null }> }
export type CatalogueItem = { sku: string; name: string; price: number; currency: string; unit: string; step: number; photo: Photo | null; available?: number }

/** The words of `q` as the catalogue's words are kept (lower case, letters only, 3 characters or more). */
export const queryWords = (q: string) => [...new Set(q.toLowerCase().split(/[^\p{L}]+/u).filter((w) => w.length >= 3))].slice(0, MAX_CORRECTED_WORDS)

/** SQL: each of `words` with the catalogue's most similar word (trigram similarity ≥ 0.3), or null. */
export const correctionStatement = (words: string[]) =>
  sql`SELECT w.input, (SELECT c.word FROM catalogue_words c WHERE c.word % w.input ORDER BY similarity(c.word, w.input) DESC, c.word LIMIT 1) AS word
      FROM unnest(ARRAY[${sqlList(words)}]::varchar[]) AS w (input)`

/** Each word of `q` replaced by the catalogue's most similar word, when one is; null when nothing changes. */
async function corrected(req: PayloadRequest, q: string): Promise<string | null> {
  const words = queryWords(q)
  if (words.length === 0) return null
  const { rows } = await execute<{ input: string; word: string | null }>(req, correctionStatement(words))
  const fixed = rows.map((r) => r.word ?? r.input)
  return fixed.join(' ') === words.join(' ') ? null : fixed.join(' ')
}

const tsQuery = (q: string) => sql`(websearch_to_tsquery('russian', ${q}) || websearch_to_tsquery('english', ${q}))`

type Sql = ReturnType<typeof sql>
/** Each order over the columns of table `t` (the products, then the page cut from them, sorted again). */
const ORDER: Record<CatalogueSort, (t: Sql) => Sql> = {
  relevance: (t) => sql`${t}.rank DESC, ${t}.name, ${t}.id`,
  name: (t) => sql`${t}.name, ${t}.id`,
  '-name': (t) => sql`${t}.name DESC, ${t}.id`,
  price: (t) => sql`${t}.price, ${t}.name, ${t}.id`,
  '-price': (t) => sql`${t}.price DESC, ${t}.name, ${t}.id`,
}

/**
 * SQL: one page of active products matching `text` (all of them without one), with the store's availability.
 * The page is cut first and only its rows are joined to stock: joining every match would read the store's
 * whole stock for a broad query. `inStock` is an indexed lookup per match instead.
 */
export function pageStatement(text: string | undefined, query: CatalogueQuery) {
  const store = query.store ?? null
  const matches = text ? sql` AND p.search_document @@ ${tsQuery(text)}` : sql``
  const inStock = query.inStock
    ? sql` AND EXISTS (SELECT 1 FROM stock s WHERE s.product_id = p.id AND s.store_id = ${store}::int AND s.on_hand - s.reserved > 0)`
    : sql``
  const rank = text ? sql`ts_rank(p.search_document, ${tsQuery(text)})` : sql`0`
  const sort = query.sort ?? (text ? 'relevance' : 'name')
  // Inside, the rank is an expression of the row (not yet a column); outside, the page's column.
  const inner = sort === 'relevance' ? sql`${rank} DESC, p.name, p.id` : ORDER[sort](sql.raw('p'))
  return sql`WITH page AS (
          SELECT p.id, p.name, p.price, p.unit, p.quantity_step, p.photo_id, ${rank} AS rank, count(*) OVER () AS total
          FROM products p
          WHERE p.active${matches}${inStock}
          ORDER BY ${inner}
          LIMIT ${query.limit} OFFSET ${(query.page - 1) * query.limit})
        SELECT page.id, page.name, page.price::text AS price, page.unit::text AS unit, page.quantity_step::text AS step, page.photo_id AS photo,
               CASE WHEN ${store}::int IS NULL THEN NULL ELSE GREATEST(coalesce(s.on_hand - s.reserved, 0), 0)::text END AS available,
               page.total::text AS total, page.rank
        FROM page LEFT JOIN stock s ON s.product_id = page.id AND s.store_id = ${store}::int
        ORDER BY ${ORDER[sort](sql.raw('page'))}`
}

async function findPage(req: PayloadRequest, text: string | undefined, query: CatalogueQuery): Promise<Row[]> {
  return (await execute<Row>(req, pageStatement(text, query))).rows
}

/** A page and how many match in all; a page past the end is empty but still says how many there are. */
async function pageWithTotal(req: PayloadRequest, text: string | undefined, query: CatalogueQuery) {
  const rows = await findPage(req, text, query)
  if (rows.length > 0 || query.page === 1) return { rows, totalDocs: Number(rows[0]?.total ?? 0) }
  const [first] = await findPage(req, text, { ...query, page: 1, limit: 1 })
  return { rows, totalDocs: Number(first?.total ?? 0) }
}

/** The photos of a page, as Payload serves them (URLs in every size it makes), read with the caller's access. */
async function photosOf(req: PayloadRequest, ids: number[]): Promise<Map<number, Photo>> {
  if (ids.length === 0) return new Map()
  const { docs } = await req.payload.find({ collection: 'media', where: { id: { in: ids } }, depth: 0, limit: ids.length, overrideAccess: false, req })
  return new Map(
    docs.map((m) => [
      m.id,
      {
        url: m.url ?? null,
        alt: m.alt ?? null,
        width: m.width ?? null,
        height: m.height ?? null,
        sizes: Object.fromEntries(Object.entries(m.sizes ?? {}).map(([name, s]) => [name, { url: s?.url ?? null, width: s?.width ?? null, height: s?.height ?? null }])),
      },
    ]),
  )
}

/** Refuses a pickup point that does not exist or is closed (404): its availability would be made up. */
export async function assertOpenStore(req: PayloadRequest, store: number) {
  const { rows } = await execute(req, sql`SELECT 1 FROM stores WHERE id = ${store} AND active`)
  if (rows.length === 0) throw new NotFound('No such pickup point', { store })
}

export async function searchCatalogue(req: PayloadRequest, query: CatalogueQuery) {
  if (query.store !== undefined) await assertOpenStore(req, query.store)
  const text = query.q?.trim() || undefined
  let found = await pageWithTotal(req, text, query)
  let correctedTo: string | null = null
  if (text && found.totalDocs === 0) {
    correctedTo = await corrected(req, text)
    if (correctedTo) found = await pageWithTotal(req, correctedTo, query)
  }
  const { rows, totalDocs } = found
  const photos = await photosOf(req, [...new Set(rows.flatMap((r) => (r.photo ? [r.photo] : [])))])
  const totalPages = Math.max(1, Math.ceil(totalDocs / query.limit))
  const docs: CatalogueItem[] = rows.map((r) => ({
    sku: r.id,
    name: r.name,
    price: Number(r.price),
    currency: env.currency,
    unit: r.unit,
    step: milliToNumber(toMilli(r.step)!),
    photo: r.photo ? (photos.get(r.photo) ?? null) : null,
    ...(r.available === null ? {} : { available: milliToNumber(toMilli(r.available)!) }),
  }))
  return {
    docs,
    totalDocs,
    limit: query.limit,
    page: query.page,
    totalPages,
    pagingCounter: (query.page - 1) * query.limit + 1,
    hasPrevPage: query.page > 1,
    hasNextPage: query.page < totalPages,
    prevPage: query.page > 1 ? query.page - 1 : null,
    nextPage: query.page < totalPages ? query.page + 1 : null,
    correctedQuery: correctedTo,
  }
}

/**
 * Why catalogue search cannot treat Russian words as words in this database (its LC_CTYPE is C: no case or
 * letter classes beyond ASCII), or null when it can. Said once at start; the fix is a database made with a
 * UTF-8 LC_CTYPE (the embedded one is, since it was made with C.UTF-8).
 */
export async function catalogueSearchProblem(req: PayloadRequest): Promise<string | null> {
  const { rows } = await execute<{ ctype: string }>(req, sql`SELECT datctype AS ctype FROM pg_database WHERE datname = current_database()`)
  const ctype = rows[0]?.ctype ?? ''
  if (/utf-?8/i.test(ctype)) return null
  return `The database's LC_CTYPE is ${ctype || 'unknown'}: catalogue search does not stem or correct Russian words. Create the database with a UTF-8 LC_CTYPE (e.g. C.UTF-8) and restore the data into it.`
}
