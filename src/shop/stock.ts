// Stock as a ledger with two running totals (see src/collections/stock): every change of a row's onHand or
// reserved is one conditional UPDATE and its movement row, written by one statement, so two writers never
// race and the movements always sum to the numbers. Quantities travel as exact decimal strings (SQL
// numeric) and bigint thousandths (src/lib/quantity.ts), never through binary floating point.
import type { CollectionAfterChangeHook, CollectionBeforeChangeHook, PayloadRequest } from 'payload'
import { ValidationError } from 'payload'

import type { WriteOffReason } from './rules'
import { run, statement } from '../db/prepared'
import { execute, sql, sqlList } from '../db/sql'
import { afterCommit, inTransaction } from '../db/transaction'
import { formatMilli, milliToNumber, toMilli } from '../lib/quantity'
import { fitsUnit } from '../lib/units'
import { stockMovements } from '../metrics'
import { userCanAtStore } from './roles'
import { roleCan, ROLES } from './roles'
import { BadRequest, Conflict, Forbidden, NotFound } from './errors'
import { once, requestHash } from './idempotency'
import { HOLDING_STOCK } from './orderStatus'

type Actor = { id: number | string }

/** The roles whose people the ledger names: the shop's own (those who use the panel). */
const NAMED_IN_LEDGER = ROLES.filter((role) => roleCan(role, 'panel.use'))

/**
 * Who a movement names, as SQL: a member of staff or an admin. A buyer is never named (a cancel of their own
 * order releases stock too): admins and staff must not be able to tie an order to a person, so such a
 * movement names nobody.
 */
const ledgerActor = (by: Actor | null | undefined) =>
  by
    ? sql`(SELECT id FROM users WHERE id = ${by.id} AND role::text IN (${sqlList(NAMED_IN_LEDGER)}))`
    : sql`NULL::integer`

/** The most a stock quantity may be (a typo guard): a billion of the product's unit. */
export const MAX_STOCK_QUANTITY = 1_000_000_000

/** A stock row as the stock operations answer with it (to those who manage stock). */
export type StockDoc = {
  id: number
  product: string
  store: number
  onHand: number
  reserved: number
  available: number
  lowStockThreshold: number | null
}

type StockRow = { id: number; product_id: string; store_id: number; on_hand: string; reserved: string; low_stock_threshold: string | null }

const stockColumns = sql`s.id, s.product_id, s.store_id, s.on_hand::text AS on_hand, s.reserved::text AS reserved,
  s.low_stock_threshold::text AS low_stock_threshold`

const num = (text: string) => milliToNumber(toMilli(text.replace(/^-/, ''))! * (text.startsWith('-') ? -1n : 1n))

export function toStockDoc(row: StockRow): StockDoc {
  const onHand = toMilli(row.on_hand)!
  const reserved = toMilli(row.reserved)!
  return {
    id: row.id,
    product: row.product_id,
    store: row.store_id,
    onHand: milliToNumber(onHand),
    reserved: milliToNumber(reserved),
    available: milliToNumber(onHand - reserved),
    lowStockThreshold: row.low_stock_threshold === null ? null : num(row.low_stock_threshold),
  }
}

/** The id in a stock URL: a positive integer, else no such row. */
function stockId(id: string | number): number {
  const n = Number(id)
  if (!Number.isSafeInteger(n) || n <= 0 || n > 2_147_483_647) throw new NotFound(`Stock row ${String(id).slice(0, 40)} does not exist`)
  return n
}

/** Quantities from a parsed body: exact thousandths as a decimal string for SQL. */
const decimal = (value: number) => formatMilli(toMilli(value)!)

/** The row to change, if the caller manages stock at its pickup point (staff: their own stores only). */
async function findStockRow(req: PayloadRequest, id: number): Promise<StockRow & { unit: string }> {
  const { rows } = await execute<StockRow & { unit: string }>(
    req,
    sql`SELECT ${stockColumns}, p.unit FROM stock s JOIN products p ON p.id = s.product_id WHERE s.id = ${id}`,
  )
  if (!rows[0]) throw new NotFound(`Stock row ${id} does not exist`)
  if (!userCanAtStore(req, 'stock.manage', rows[0].store_id)) throw new Forbidden('This stock row belongs to a pickup point you do not work at.')
  return rows[0]
}

/** Pieces are counted in whole numbers; weighed goods to the gram (3 decimals). */
export function assertFitsUnit(unit: string, quantity: number, field: string) {
  if (!fitsUnit(unit, toMilli(quantity)!)) {
    throw new BadRequest(`${field}: pieces come in whole numbers`, { field })
  }
}

type Change = { type: 'receipt' | 'count' | 'write_off'; note?: string; reason?: WriteOffReason }

/** Movements written by a statement, counted for /metrics once (and only if) their transaction commits. */
const countMovements = (req: PayloadRequest, type: string, n: number) => {
  if (n > 0) afterCommit(req, () => stockMovements.inc({ type }, n))
}

/**
 * One change of onHand with its movement, in one statement. `onHand` computes the new value from the row
 * (`s.on_hand`), `guard` is the condition it must meet; no row back means the row is missing or refused.
 */
async function changeOnHand(req: PayloadRequest, id: number, by: Actor, change: Change, onHand: ReturnType<typeof sql>, guard = sql`true`) {
  const { rows } = await execute<StockRow>(
    req,
    sql`WITH old AS (SELECT id, on_hand FROM stock WHERE id = ${id} FOR UPDATE),
        changed AS (
          UPDATE stock s SET on_hand = ${onHand}, updated_at = now()
          FROM old WHERE s.id = old.id AND ${guard}
          RETURNING ${stockColumns}, s.on_hand - old.on_hand AS delta
        ),
        moved AS (
          INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta, reason, by_id, note, updated_at, created_at)
          SELECT id, product_id, store_id, ${change.type}, delta, 0, ${change.reason ?? null}, ${ledgerActor(by)}, ${change.note ?? null}, now(), now()
          FROM changed
        )
        SELECT id, product_id, store_id, on_hand, reserved, low_stock_threshold FROM changed`,
  )
  countMovements(req, change.type, rows.length)
  return rows[0]
}

type StockRequest = { key?: string; by: Actor }

/** Runs one stock operation in its own transaction, once per Idempotency-Key. */
function stockOperation<T>(req: PayloadRequest, scope: string, id: number, body: unknown, { key, by }: StockRequest, operation: (req: PayloadRequest) => Promise<T>) {
  return inTransaction(req, (req) => once(req, { scope, userId: by.id, key, hash: requestHash([id, body]) }, () => operation(req)))
}

/** A delivery arrived: onHand + quantity. */
export function receiveStock(req: PayloadRequest, id: string | number, body: { quantity: number; note?: string }, request: StockRequest) {
  const rowId = stockId(id)
  return stockOperation(req, 'stock.receive', rowId, body, request, async (req) => {
    assertFitsUnit((await findStockRow(req, rowId)).unit, body.quantity, 'quantity')
    const row = await changeOnHand(req, rowId, request.by, { type: 'receipt', note: body.note }, sql`s.on_hand + ${decimal(body.quantity)}::numeric`)
    return { doc: toStockDoc(row!) }
  })
}

/** A stocktake: onHand becomes what was counted (also below reserved: a shortfall); the delta is recorded. */
export function countStock(req: PayloadRequest, id: string | number, body: { onHand: number; note?: string }, request: StockRequest) {
  const rowId = stockId(id)
  return stockOperation(req, 'stock.count', rowId, body, request, async (req) => {
    assertFitsUnit((await findStockRow(req, rowId)).unit, body.onHand, 'onHand')
    const row = await changeOnHand(req, rowId, request.by, { type: 'count', note: body.note }, sql`${decimal(body.onHand)}::numeric`)
    return { doc: toStockDoc(row!) }
  })
}

/** Goods thrown away (damaged, expired, …): onHand − quantity, never below zero. */
export function writeOffStock(
  req: PayloadRequest,
  id: string | number,
  body: { quantity: number; reason: WriteOffReason; note?: string },
  request: StockRequest,
) {
  const rowId = stockId(id)
  return stockOperation(req, 'stock.writeOff', rowId, body, request, async (req) => {
    assertFitsUnit((await findStockRow(req, rowId)).unit, body.quantity, 'quantity')
    const quantity = decimal(body.quantity)
    const row = await changeOnHand(
      req,
      rowId,
      request.by,
      { type: 'write_off', note: body.note, reason: body.reason },
      sql`s.on_hand - ${quantity}::numeric`,
      sql`s.on_hand >= ${quantity}::numeric`,
    )
    if (row) return { doc: toStockDoc(row) }
    const current = await findStockRow(req, rowId)
    throw new Conflict(`Only ${num(current.on_hand)} on hand: cannot write off ${body.quantity}`, { onHand: num(current.on_hand), quantity: body.quantity })
  })
}

/** The only field of a stock row that is edited as such. */
export async function setLowStockThreshold(req: PayloadRequest, id: string | number, threshold: number | null) {
  const rowId = stockId(id)
  await findStockRow(req, rowId)
  const { rows } = await execute<StockRow>(
    req,
    sql`UPDATE stock s SET low_stock_threshold = ${threshold === null ? null : decimal(threshold)}::numeric, updated_at = now()
        WHERE s.id = ${rowId} RETURNING ${stockColumns}`,
  )
  if (!rows[0]) throw new NotFound(`Stock row ${rowId} does not exist`)
  return { doc: toStockDoc(rows[0]) }
}

export type LowStockRow = StockDoc & { shortfall: number }

/** Rows at or below their low-stock threshold, and every shortfall (available < 0); shortfalls first. */
export async function lowStock(req: PayloadRequest, storeIds?: number[]): Promise<LowStockRow[]> {
  if (storeIds && storeIds.length === 0) return []
  const scope = storeIds ? sql` AND s.store_id IN (${sqlList(storeIds)})` : sql``
  const { rows } = await execute<StockRow>(
    req,
    sql`SELECT ${stockColumns} FROM stock s
        WHERE (s.on_hand - s.reserved <= s.low_stock_threshold OR s.on_hand - s.reserved < 0)${scope}
        ORDER BY GREATEST(s.reserved - s.on_hand, 0) DESC, s.on_hand - s.reserved, s.product_id, s.store_id`,
  )
  return rows.map((row) => {
    const doc = toStockDoc(row)
    return { ...doc, shortfall: doc.available < 0 ? milliToNumber(-(toMilli(row.on_hand)! - toMilli(row.reserved)!)) : 0 }
  })
}

/** A stock row of a product sold in pieces starts with whole pieces (400 otherwise, nothing stored). */
export const initialStockFitsUnit: CollectionBeforeChangeHook = async ({ data, operation, req }) => {
  if (operation !== 'create' || typeof data.onHand !== 'number' || toMilli(data.onHand) === null) return data
  const productId = typeof data.product === 'object' && data.product ? data.product.id : data.product
  const { rows } = await execute<{ unit: string }>(req, sql`SELECT unit FROM products WHERE id = ${String(productId)}`)
  if (rows[0] && !fitsUnit(rows[0].unit, toMilli(data.onHand)!)) {
    throw new ValidationError({ collection: 'stock', errors: [{ path: 'onHand', message: 'On hand: pieces come in whole numbers' }], req })
  }
  return data
}

/** A stock row created through the API or the panel starts its ledger: an `initial` movement, same transaction. */
export const recordInitialStock: CollectionAfterChangeHook = async ({ doc, operation, req }) => {
  if (operation !== 'create') return doc
  await execute(
    req,
    sql`INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta, by_id, updated_at, created_at)
        SELECT id, product_id, store_id, 'initial', on_hand, 0, ${ledgerActor(req.user as Actor | null)}, now(), now()
        FROM stock WHERE id = ${doc.id}`,
  )
  countMovements(req, 'initial', 1)
  return doc
}

// ---------------------------------------------------------------------------------------------------
// The order's side: reservation at checkout, release when an order ends without a hand-over, hand-over.

/** A quantity of a product, in bigint thousandths (a reservation, or a change of one: may be negative). */
export type WantedLine = { sku: string; milli: bigint }

// A named prepared statement (checkout's hot path): the lines go as two arrays, so its text never changes.
const CHANGE_RESERVATIONS = statement<{ sku: string }>(
  'shop_stock_change_reservations',
  `WITH wanted (sku, delta) AS (SELECT * FROM unnest($3::varchar[], $4::numeric[])),
   locked AS MATERIALIZED (
     SELECT s.id FROM stock s JOIN wanted w ON w.sku = s.product_id
     WHERE s.store_id = $1
     ORDER BY s.product_id
     FOR UPDATE OF s
   ),
   changed AS (
     UPDATE stock s SET reserved = s.reserved + w.delta, updated_at = now()
     FROM locked k, wanted w
     WHERE s.id = k.id AND w.sku = s.product_id AND (w.delta < 0 OR s.on_hand - s.reserved >= w.delta)
     RETURNING s.id, s.product_id, s.store_id, w.delta
   ),
   moved AS (
     INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta, order_id, by_id, updated_at, created_at)
     SELECT id, product_id, store_id, $5, 0, delta, $2, (SELECT id FROM users WHERE id = $6 AND role::text = ANY($7::text[])), now(), now()
     FROM changed
   )
   SELECT product_id AS sku FROM changed`,
)

/**
 * Changes the reservations of an order's lines at its pickup point in one statement: `reserved += delta`,
 * an increase only where `onHand − reserved >= delta`, the rows locked in SKU order (rows are locked as they
 * leave the sort of the MATERIALIZED CTE, before the UPDATE touches any of them), with one movement of
 * `type` per line. Answers the SKUs it changed.
 */
async function changeReservations(
  req: PayloadRequest,
  storeId: number,
  orderId: number,
  lines: WantedLine[],
  type: 'reservation' | 'correction',
  by?: Actor,
): Promise<Set<string>> {
  const { rows } = await run(req, CHANGE_RESERVATIONS, [
    storeId,
    orderId,
    lines.map((l) => l.sku),
    lines.map((l) => formatMilli(l.milli)),
    type,
    by?.id ?? null,
    NAMED_IN_LEDGER,
  ])
  countMovements(req, type, rows.length)
  return new Set(rows.map((r) => r.sku))
}

/**
 * Checkout: reserves every line (a `reservation` movement each). Fewer SKUs answered than asked means a line
 * was short, and the caller rolls the transaction back.
 */
export const reserveLines = (req: PayloadRequest, storeId: number, orderId: number, lines: WantedLine[]) =>
  changeReservations(req, storeId, orderId, lines, 'reservation')

/**
 * Ends an order's hold on the stock, line by line in SKU order: `release` gives the reserved quantities
 * back to what is available; `handout` takes them off the premises too (the buyer carried them away), and
 * only where that much is on hand (a stocktake may have found less): else Conflict naming the lines, and
 * the caller's transaction rolls back.
 */
export async function settleOrderStock(req: PayloadRequest, orderId: number, kind: 'release' | 'handout', by?: Actor) {
  const handout = kind === 'handout'
  const onHandFactor = handout ? sql`1` : sql`0`
  const { rows } = await execute<{ sku: string; wanted: string; on_hand: string; done: boolean }>(
    req,
    sql`WITH lines AS (
          SELECT ol.product_id, coalesce(ol.picked_quantity, ol.quantity) AS quantity, o.pickup_point_id AS store_id
          FROM order_lines ol JOIN orders o ON o.id = ol.order_id
          WHERE ol.order_id = ${orderId} AND coalesce(ol.picked_quantity, ol.quantity) > 0
        ),
        locked AS MATERIALIZED (
          SELECT s.id, s.product_id, s.on_hand, l.quantity FROM stock s JOIN lines l ON l.product_id = s.product_id AND l.store_id = s.store_id
          ORDER BY s.product_id
          FOR UPDATE OF s
        ),
        changed AS (
          UPDATE stock s SET reserved = s.reserved - k.quantity, on_hand = s.on_hand - ${onHandFactor} * k.quantity, updated_at = now()
          FROM locked k WHERE s.id = k.id AND (${!handout} OR s.on_hand >= k.quantity)
          RETURNING s.id, s.product_id, s.store_id, k.quantity
        ),
        moved AS (
          INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta, order_id, by_id, updated_at, created_at)
          SELECT id, product_id, store_id, ${kind}, -${onHandFactor} * quantity, -quantity, ${orderId}, ${ledgerActor(by)}, now(), now() FROM changed
        )
        SELECT k.product_id AS sku, k.quantity::text AS wanted, k.on_hand::text AS on_hand, c.id IS NOT NULL AS done
        FROM locked k LEFT JOIN changed c ON c.id = k.id`,
  )
  countMovements(req, kind, rows.filter((r) => r.done).length)
  const short = rows.filter((r) => !r.done)
  if (short.length > 0) {
    throw new Conflict(
      `Not that much on the premises to hand over: ${short.map((r) => `${r.sku} (${r.on_hand} on hand, ${r.wanted} to hand over)`).join(', ')}. Count the stock again, or cancel the order.`,
      { lines: short.map((r) => ({ sku: r.sku, onHand: Number(r.on_hand), quantity: Number(r.wanted) })) },
    )
  }
}

/**
 * Assembly: the reservation of each line follows what was picked (`reserved += picked − ordered`), with a
 * `correction` movement; picking more than ordered needs that much available. Answers the SKUs it could
 * not correct (more than available); the caller then rolls its transaction back.
 */
export async function correctReservations(req: PayloadRequest, storeId: number, orderId: number, deltas: WantedLine[], by: Actor): Promise<string[]> {
  const changes = deltas.filter((d) => d.milli !== 0n)
  if (changes.length === 0) return []
  const done = await changeReservations(req, storeId, orderId, changes, 'correction', by)
  return changes.filter((d) => !done.has(d.sku)).map((d) => d.sku)
}

// ---------------------------------------------------------------------------------------------------

/** What `npm run stock:verify` reports for a row that disagrees with its movements or its orders. */
export type StockDisagreement = {
  id: number
  product: string
  store: number
  onHand: string
  movementsOnHand: string
  reserved: string
  movementsReserved: string
  openOrders: string
}

/**
 * The ledger's invariant, over the whole database: for every stock row, the movements' onHand deltas sum
 * to onHand, their reserved deltas to reserved, and reserved is what that shop's open orders (awaiting
 * payment, paid or ready: picked quantities once picked, else ordered) hold of that product. Answers the
 * rows that disagree.
 */
export async function verifyStock(query: (text: string) => Promise<{ rows: unknown[] }>): Promise<StockDisagreement[]> {
  const { rows } = await query(`
    SELECT s.id, s.product_id AS product, s.store_id AS store,
           s.on_hand::text AS "onHand", coalesce(m.on_hand, 0)::text AS "movementsOnHand",
           s.reserved::text AS reserved, coalesce(m.reserved, 0)::text AS "movementsReserved",
           coalesce(o.quantity, 0)::text AS "openOrders"
    FROM stock s
    LEFT JOIN (SELECT stock_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
               FROM stock_movements GROUP BY stock_id) m ON m.stock_id = s.id
    LEFT JOIN (SELECT ol.product_id, o.pickup_point_id, sum(coalesce(ol.picked_quantity, ol.quantity)) AS quantity
               FROM order_lines ol JOIN orders o ON o.id = ol.order_id
               WHERE o.status IN (${HOLDING_STOCK.map((s) => `'${s}'`).join(', ')})
               GROUP BY ol.product_id, o.pickup_point_id) o ON o.product_id = s.product_id AND o.pickup_point_id = s.store_id
    WHERE s.on_hand <> coalesce(m.on_hand, 0) OR s.reserved <> coalesce(m.reserved, 0) OR s.reserved <> coalesce(o.quantity, 0)
    ORDER BY s.id`)
  return rows as StockDisagreement[]
}
