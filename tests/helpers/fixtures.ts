// A small catalogue for the checkout tests, made through the REST API as an admin would.
import type { Account, TestShop } from './shop'
import { sqlRows } from './shop'
import { verifyStock } from '../../src/shop/stock'

export type Catalogue = { stores: { main: number; other: number; closed: number } }

export const PRODUCTS = [
  { id: 'APPLES', name: 'Яблоки Гала', price: 19990, unit: 'kg', quantityStep: 0.1 },
  { id: 'MILK', name: 'Молоко 3,2%', price: 8990, unit: 'pcs', quantityStep: 1 },
  { id: 'BREAD', name: 'Хлеб', price: 5000, unit: 'pcs', quantityStep: 1 },
]

async function ok(promise: Promise<{ status: number; body: any }>) {
  const res = await promise
  if (res.status >= 300) throw new Error(`fixture failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

export async function seedCatalogue(shop: TestShop, admin: Account, stock: Record<string, number> = { APPLES: 10, MILK: 10, BREAD: 10 }): Promise<Catalogue> {
  const token = admin.token
  for (const p of PRODUCTS) await ok(shop.api.post('/api/products', p, { token }))
  const main = (await ok(shop.api.post('/api/stores', { name: 'Тверская', address: 'Москва, Тверская, 7' }, { token }))).doc.id
  const other = (await ok(shop.api.post('/api/stores', { name: 'Арбат', address: 'Москва, Арбат, 1' }, { token }))).doc.id
  const closed = (await ok(shop.api.post('/api/stores', { name: 'Closed', address: 'Nowhere', active: false }, { token }))).doc.id
  for (const [product, onHand] of Object.entries(stock)) {
    await ok(shop.api.post('/api/stock', { product, store: main, onHand }, { token }))
    await ok(shop.api.post('/api/stock', { product, store: other, onHand }, { token }))
  }
  return { stores: { main, other, closed } }
}

export const contact = { firstName: 'Анна', lastName: 'Иванова', phone: '+7 916 123-45-67' }

export async function fillCart(shop: TestShop, buyer: Account, items: Record<string, number>) {
  for (const [sku, quantity] of Object.entries(items)) await ok(shop.api.post('/api/cart/items', { sku, quantity }, { token: buyer.token }))
}

/** What buyers can still order at a store (onHand − reserved), as exact decimal strings. */
export async function stockAt(shop: TestShop, store: number) {
  const rows = await sqlRows<{ sku: string; available: string }>(
    shop,
    'SELECT product_id AS sku, (on_hand - reserved)::text AS available FROM stock WHERE store_id = $1 ORDER BY product_id',
    [store],
  )
  return Object.fromEntries(rows.map((r) => [r.sku, r.available]))
}

/** The ledger's invariant over the test's database (what `npm run stock:verify` checks): [] when it holds. */
export const stockDisagreements = (shop: TestShop) => verifyStock((text) => sqlRows(shop, text).then((rows) => ({ rows })))

/**
 * Everything a refused request might touch, to assert that it changed none of it: what checkout writes
 * (stock, carts, orders, claims, charges), the accounts with their security columns and sessions, the
 * catalogue and the photos.
 */
export async function snapshot(shop: TestShop) {
  const [stock, carts, orders, lines, notifications, requests, payments, users, sessions, products, media] = await Promise.all([
    sqlRows(
      shop,
      `SELECT product_id, store_id, on_hand::text, reserved::text, low_stock_threshold::text,
              (SELECT count(*)::int FROM stock_movements m WHERE m.stock_id = s.id) AS movements
       FROM stock s ORDER BY product_id, store_id`,
    ),
    sqlRows(shop, 'SELECT c.buyer_id, l.product_id, l.quantity::text FROM cart_lines l JOIN carts c ON c.id = l.cart_id ORDER BY 1, 2'),
    sqlRows(shop, 'SELECT id, status, payment_state, total::text, authorized::text, captured::text, refunded::text FROM orders ORDER BY id'),
    sqlRows(shop, 'SELECT order_id, product_id, picked_quantity::text, line_total::text FROM order_lines ORDER BY 1, 2'),
    sqlRows(shop, 'SELECT order_id, kind FROM order_notifications ORDER BY 1, 2'),
    sqlRows(shop, "SELECT buyer_id, key, state FROM checkout_requests ORDER BY id"),
    sqlRows(
      shop,
      `SELECT a.idempotency_key, a.status, a.captured::text, a.voided::text, a.refunded::text,
              (SELECT count(*)::int FROM payment_stub_operations p WHERE p.authorization_id = a.authorization_id) AS operations
       FROM payment_stub_authorizations a ORDER BY 1`,
    ),
    sqlRows(
      shop,
      `SELECT id, email, username, role, hash, salt, locale, reset_password_token,
              first_name, last_name, phone, created_at
       FROM users ORDER BY id`,
    ),
    sqlRows(shop, 'SELECT _parent_id AS user_id, id FROM users_sessions ORDER BY 1, 2'),
    sqlRows(shop, 'SELECT id, name, price, unit, quantity_step::text AS step, active FROM products ORDER BY id'),
    sqlRows(shop, 'SELECT id, filename FROM media ORDER BY id'),
  ])
  return { stock, carts, orders, lines, notifications, requests, payments, users, sessions, products, media }
}

/** What a QR code PNG says (decoded the way a phone camera would). */
export async function readQr(png: Buffer): Promise<string | null> {
  const { PNG } = await import('pngjs')
  const { default: jsQR } = await import('jsqr')
  const image = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null
}

export const dataUrlPng = (dataUrl: string) => Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64')

/** What the payment stub holds for an order: authorized, captured, voided and refunded (minor units, as text). */
export const paymentOf = async (shop: TestShop, orderId: number) =>
  (
    await sqlRows<{ status: string; authorized: string; captured: string; voided: string; refunded: string }>(
      shop,
      `SELECT a.status, a.amount::text AS authorized, a.captured::text AS captured, a.voided::text AS voided, a.refunded::text AS refunded
       FROM payment_stub_authorizations a JOIN orders o ON o.payment_key = a.idempotency_key WHERE o.id = $1`,
      [orderId],
    )
  )[0]

/** Assembles an order as a clerk would (`lines`: what was picked otherwise than ordered). */
export async function assemble(shop: TestShop, token: string, orderId: number, lines?: Array<{ sku: string; quantity: number }>) {
  return shop.api.post(`/api/orders/${orderId}/ready`, lines ? { lines } : {}, { token })
}
