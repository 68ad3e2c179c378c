// The buyer's cart: each change is one targeted SQL statement (an upsert, an update or a delete), so
// parallel adds of the same product add up instead of overwriting each other. Prices are never stored in
// the cart: every view prices the lines from the products as they are now.
import type { PayloadRequest } from 'payload'

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

/** The cart; with `store`, each line says what that pickup point has of it (404 for a closed or unknown one). */
export async function viewCart(req: PayloadRequest, buyer: Buyer, store?: number): Promise<CartView> {
  if (store !== undefined) await assertOpenStore(req, store)
  const atStore = store === undefined ? sql`` : sql`, GREATEST(coalesce(s.on_hand - s.reserved, 0), 0)::text AS at_store`
  const stock = store === undefined ? sql`` : sql` LEFT JOIN stock s ON s.product_id = l.product_id AND s.store_id = ${store}`
  const { rows } = await execute<CartRow>(
    req,
    sql`SELECT l.product_id AS sku, p.name, p.unit, p.quantity_step::text AS step, l.quantity::text AS quantity,
               p.price::text AS price, p.active${atStore}
        FROM carts c
        JOIN cart_lines l ON l.cart_id = c.id
        JOIN products p ON p.id = l.product_id${stock}
        WHERE c.buyer_id = ${buyer.id}
        ORDER BY l.created_at, l.id`,
  )
  return pricedCart(req, rows)
}

/**
 * Adds to the line (creating the cart and the line if needed) and answers with the cart, in one statement:
 * the upsert is one targeted write, and the cart it answers with is the other lines as they were plus the
 * line as the upsert left it (a statement does not see its own writes in its other parts).
 */
export async function addToCart(req: PayloadRequest, buyer: Buyer, sku: string, quantity: number): Promise<CartView> {
  const product = await sellableProduct(req, sku)
  const amount = formatMilli(checkQuantity(product, quantity))
  const cap = String(MAX_LINE_QUANTITY)
  const { rows } = await execute<CartRow & { added: boolean }>(
    req,
    sql`WITH cart AS (
          INSERT INTO carts (buyer_id) VALUES (${buyer.id})
          ON CONFLICT (buyer_id) DO UPDATE SET updated_at = now()
          RETURNING id
        ), added AS (
          INSERT INTO cart_lines (cart_id, product_id, quantity)
          SELECT cart.id, ${product.id}, ${amount}::numeric FROM cart
          ON CONFLICT (cart_id, product_id) DO UPDATE
            SET quantity = cart_lines.quantity + EXCLUDED.quantity, updated_at = now()
            WHERE cart_lines.quantity + EXCLUDED.quantity <= ${cap}::numeric
          RETURNING id, product_id, quantity, created_at
        ), lines AS (
          SELECT l.id, l.product_id, l.quantity, l.created_at, false AS added
          FROM cart_lines l WHERE l.cart_id = (SELECT id FROM cart) AND l.product_id <> ${product.id}
          UNION ALL
          SELECT id, product_id, quantity, created_at, true FROM added
        )
        SELECT l.product_id AS sku, p.name, p.unit, p.quantity_step::text AS step, l.quantity::text AS quantity,
               p.price::text AS price, p.active, l.added
        FROM lines l JOIN products p ON p.id = l.product_id
        ORDER BY l.created_at, l.id`,
  )
  if (!rows.some((row) => row.added)) {
    throw new BadRequest(`A cart line may hold at most ${MAX_LINE_QUANTITY} ${product.unit}`, { field: 'quantity' })
  }
  return pricedCart(req, rows)
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

/** After payment: the ordered products leave the cart (anything added while paying stays). */
export async function removeOrderedFromCart(req: PayloadRequest, buyerId: number | string, orderId: number) {
  await execute(
    req,
    sql`DELETE FROM cart_lines AS l USING carts c
        WHERE l.cart_id = c.id AND c.buyer_id = ${buyerId}
          AND l.product_id IN (SELECT product_id FROM order_lines WHERE order_id = ${orderId})`,
  )
}
