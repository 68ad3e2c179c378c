// The buyer's cart: each change is one targeted SQL statement (an upsert, an update or a delete), so
// parallel adds of the same product add up instead of overwriting each other. Prices are never stored in
// the cart: every view prices the lines from the products as they are now.
import type { PayloadRequest } from 'payload'
import type { SQL } from 'drizzle-orm'

import { run, statement } from '../db/prepared'
import { execute, sql } from '../db/sql'
import { env } from '../env'
import { holdFor, lineTotal, sumMinor } from '../lib/money'
import { formatMilli, isMultipleOfStep, milliToNumber, toMilli } from '../lib/quantity'
import { settingsOf } from '../settings'
import { assertOpenStore } from './catalogue'
import { isWeighed, SKU_PATTERN } from './rules'
import { BadRequest, NotFound } from './errors'

/** The most of one product a cart line may hold, in the product's unit. */
export const MAX_LINE_QUANTITY = 9999
const MAX_LINE_MILLI = BigInt(MAX_LINE_QUANTITY) * 1000n

export type CartLine = {
  sku: string
  name: string
  unit: string
  quantityStep: number
  quantity: number
  unitPrice: number
  lineTotal: number
  available: boolean
  weighed: boolean
  /** With a pickup point: what it has of the product now (on hand less reserved). */
  availableAtStore?: number
}
export type CartView = { items: CartLine[]; total: number; hold: number; currency: string }

type Buyer = { id: number | string }

type SellableProduct = { id: string; step: bigint; unit: string }

/** An active product by SKU, or NotFound. */
async function sellableProduct(req: PayloadRequest, sku: string): Promise<SellableProduct> {
  if (!SKU_PATTERN.test(sku)) throw new BadRequest(`"${sku.slice(0, 80)}" is not a valid SKU`)
  const { rows } = await execute<{ id: string; step: string; unit: string }>(
    req,
    sql`SELECT id, quantity_step::text AS step, unit FROM products WHERE id = ${sku} AND active`,
  )
  const row = rows[0]
  if (!row) throw new NotFound(`No product with SKU ${sku} is on sale`, { sku })
  return { id: row.id, step: toMilli(row.step)!, unit: row.unit }
}

/** Checks a requested quantity against the product's step and the line cap; returns it in milli-units. */
function checkQuantity(product: SellableProduct, quantity: number, { allowZero = false } = {}): bigint {
  const milli = toMilli(quantity)
  if (milli === null) throw new BadRequest('quantity must be a number with at most 3 decimals', { field: 'quantity' })
  if (milli === 0n && allowZero) return 0n
  if (milli === 0n) throw new BadRequest('quantity must be greater than 0', { field: 'quantity' })
  if (milli > MAX_LINE_MILLI) {
    throw new BadRequest(`quantity must be at most ${MAX_LINE_QUANTITY} ${product.unit}`, { field: 'quantity' })
  }
  if (!isMultipleOfStep(milli, product.step)) {
    throw new BadRequest(`quantity must be a multiple of ${formatMilli(product.step)} ${product.unit} for ${product.id}`, {
      field: 'quantity',
      quantityStep: milliToNumber(product.step),
    })
  }
  return milli
}

type CartRow = { sku: string; name: string; unit: string; step: string; quantity: string; price: string; active: boolean; at_store?: string | null }

/** Prices the lines from the products as they are now, and what checkout would hold on the card for them. */
function pricedCart(req: PayloadRequest, rows: CartRow[]): CartView {
  const items = rows.map((row): CartLine => {
    const quantity = toMilli(row.quantity)!
    const unitPrice = Number(row.price)
    return {
      sku: row.sku,
      name: row.name,
      unit: row.unit,
      quantityStep: milliToNumber(toMilli(row.step)!),
      quantity: milliToNumber(quantity),
      unitPrice,
      // A product taken off sale stays visible but counts nothing.
      lineTotal: row.active ? lineTotal(unitPrice, quantity) : 0,
      available: row.active,
      weighed: isWeighed(row.unit),
      ...(row.at_store === undefined ? {} : { availableAtStore: milliToNumber(toMilli(row.at_store ?? '0')!) }),
    }
  })
  const total = sumMinor(items.map((i) => i.lineTotal))
  const weighed = sumMinor(items.filter((i) => i.weighed).map((i) => i.lineTotal))
  return { items, total, hold: holdFor(total, weighed, settingsOf(req.payload).weightToleranceBp), currency: env.currency }
}

const LINE_COLUMNS = `l.product_id AS sku, p.name, p.unit, p.quantity_step::text AS step, l.quantity::text AS quantity,
       p.price::text AS price, p.active`

const CART_VIEW = statement<CartRow>(
  'shop_cart_view',
  `SELECT ${LINE_COLUMNS}
   FROM carts c JOIN cart_lines l ON l.cart_id = c.id JOIN products p ON p.id = l.product_id
   WHERE c.buyer_id = $1
   ORDER BY l.created_at, l.id`,
)

const CART_VIEW_AT_STORE = statement<CartRow>(
  'shop_cart_view_at_store',
  `SELECT ${LINE_COLUMNS}, GREATEST(coalesce(s.on_hand - s.reserved, 0), 0)::text AS at_store
   FROM carts c JOIN cart_lines l ON l.cart_id = c.id JOIN products p ON p.id = l.product_id
   LEFT JOIN stock s ON s.product_id = l.product_id AND s.store_id = $2
   WHERE c.buyer_id = $1
   ORDER BY l.created_at, l.id`,
)

/** The cart; with `store`, each line says what that pickup point has of it (404 for a closed or unknown one). */
export async function viewCart(req: PayloadRequest, buyer: Buyer, store?: number): Promise<CartView> {
  if (store === undefined) return pricedCart(req, (await run(req, CART_VIEW, [buyer.id])).rows)
  await assertOpenStore(req, store)
  return pricedCart(req, (await run(req, CART_VIEW_AT_STORE, [buyer.id, store])).rows)
}

type AddRow = Partial<CartRow> & { product_unit: string; product_step: string; added: boolean | null }

/**
 * One statement: the product (on sale), the add if the quantity fits its step and the line's cap, and the
 * cart it answers with. The write happens only under the same rule `checkQuantity` states (checked again
 * in JS for its message, with the product the statement read). A statement does not see its own writes in
 * its other parts, so the cart is the other lines as they were plus the line as the upsert left it.
 */
const ADD_TO_CART = statement<AddRow>(
  'shop_cart_add',
  `WITH product AS (
     -- A step of more than 3 decimals (only raw SQL could store one) is not a product on sale.
     SELECT id, unit, quantity_step FROM products
     WHERE id = $2 AND active AND quantity_step > 0 AND quantity_step = round(quantity_step, 3)
   ), fits AS (
     SELECT id FROM product
     WHERE $3::numeric > 0 AND $3::numeric <= ${MAX_LINE_QUANTITY} AND mod($3::numeric, quantity_step) = 0
   ), cart AS (
     INSERT INTO carts (buyer_id) SELECT $1::int FROM fits
     ON CONFLICT (buyer_id) DO UPDATE SET updated_at = now()
     RETURNING id
   ), added AS (
     INSERT INTO cart_lines (cart_id, product_id, quantity)
     SELECT cart.id, fits.id, $3::numeric FROM cart, fits
     ON CONFLICT (cart_id, product_id) DO UPDATE
       SET quantity = cart_lines.quantity + EXCLUDED.quantity, updated_at = now()
       WHERE cart_lines.quantity + EXCLUDED.quantity <= ${MAX_LINE_QUANTITY}
     RETURNING id, product_id, quantity, created_at
   ), lines AS (
     SELECT l.id, l.product_id, l.quantity, l.created_at, false AS added
     FROM cart_lines l WHERE l.cart_id = (SELECT id FROM cart) AND l.product_id <> $2
     UNION ALL
     SELECT id, product_id, quantity, created_at, true FROM added
   )
   SELECT product.unit AS product_unit, product.quantity_step::text AS product_step, cart_line.*
   FROM product LEFT JOIN (
     SELECT ${LINE_COLUMNS}, l.added, l.created_at, l.id
     FROM lines l JOIN products p ON p.id = l.product_id
   ) cart_line ON true
   ORDER BY cart_line.created_at, cart_line.id`,
)

/** Adds to the line (creating the cart and the line if needed) and answers with the cart, in one statement. */
export async function addToCart(req: PayloadRequest, buyer: Buyer, sku: string, quantity: number): Promise<CartView> {
  if (!SKU_PATTERN.test(sku)) throw new BadRequest(`"${sku.slice(0, 80)}" is not a valid SKU`)
  const milli = toMilli(quantity)
  if (milli === null) throw new BadRequest('quantity must be a number with at most 3 decimals', { field: 'quantity' })
  const { rows } = await run(req, ADD_TO_CART, [buyer.id, sku, formatMilli(milli)])
  const first = rows[0]
  if (!first) throw new NotFound(`No product with SKU ${sku} is on sale`, { sku })
  // Refused by the statement (nothing written): the same rule, for its message.
  checkQuantity({ id: sku, step: toMilli(first.product_step)!, unit: first.product_unit }, quantity)
  const lines = rows.filter((row): row is AddRow & CartRow => row.sku != null)
  if (!lines.some((row) => row.added)) {
    throw new BadRequest(`A cart line may hold at most ${MAX_LINE_QUANTITY} ${first.product_unit}`, { field: 'quantity' })
  }
  return pricedCart(req, lines)
}

/** Sets the line's quantity; 0 removes it. */
export async function setCartLine(req: PayloadRequest, buyer: Buyer, sku: string, quantity: number): Promise<CartView> {
  const product = await sellableProduct(req, sku)
  const milli = checkQuantity(product, quantity, { allowZero: true })
  if (milli === 0n) return removeCartLine(req, buyer, sku)
  const { rowCount } = await execute(
    req,
    sql`UPDATE cart_lines AS l SET quantity = ${formatMilli(milli)}::numeric, updated_at = now()
        FROM carts c WHERE l.cart_id = c.id AND c.buyer_id = ${buyer.id} AND l.product_id = ${product.id}`,
  )
  if (rowCount === 0) throw new NotFound(`${sku} is not in the cart`, { sku })
  return viewCart(req, buyer)
}

export async function removeCartLine(req: PayloadRequest, buyer: Buyer, sku: string): Promise<CartView> {
  const { rowCount } = await execute(
    req,
    sql`DELETE FROM cart_lines AS l USING carts c
        WHERE l.cart_id = c.id AND c.buyer_id = ${buyer.id} AND l.product_id = ${sku}`,
  )
  if (rowCount === 0) throw new NotFound(`${sku.slice(0, 80)} is not in the cart`, { sku: sku.slice(0, 80) })
  return viewCart(req, buyer)
}

export async function emptyCart(req: PayloadRequest, buyer: Buyer): Promise<CartView> {
  await execute(req, sql`DELETE FROM cart_lines AS l USING carts c WHERE l.cart_id = c.id AND c.buyer_id = ${buyer.id}`)
  return viewCart(req, buyer)
}

/**
 * After payment: the ordered products leave the cart (anything added while paying stays). As a statement,
 * for another's WITH, done only `when` it holds.
 */
export const orderedOutOfCart = (buyerId: number | string, orderId: number, when: SQL = sql`true`): SQL =>
  sql`DELETE FROM cart_lines AS l USING carts c
      WHERE l.cart_id = c.id AND c.buyer_id = ${buyerId}
        AND l.product_id IN (SELECT product_id FROM order_lines WHERE order_id = ${orderId}) AND ${when}`

export async function removeOrderedFromCart(req: PayloadRequest, buyerId: number | string, orderId: number) {
  await execute(req, orderedOutOfCart(buyerId, orderId))
}
