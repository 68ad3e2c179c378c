// In-store fulfilment: shop staff and what they may see and do (only at their pickup points), assembly
// with picked weights and authorize-then-capture, the ready notice, hand-over, cancellation, and orders
// nobody assembles or collects in time. Every refusal is checked to have changed nothing.
import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createLocalReq } from 'payload'

import { env } from '../../src/env'
import { paymentGateway } from '../../src/payments'
import { sendDueNotifications } from '../../src/shop/emails'
import { settleOrders } from '../../src/shop/settlement'
import { settingsOf } from '../../src/settings'
import { assemble, type Catalogue, contact, fillCart, paymentOf, seedCatalogue, snapshot, stockAt, stockDisagreements } from '../helpers/fixtures'
import { createAdmin, createStaff, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'
import { emailsTo } from '../helpers/mail'

let shop: TestShop
let admin: Account
let catalogue: Catalogue
/** Staff of the main pickup point, and of the other one. */
let clerk: Account
let otherClerk: Account

const makeStaff = (stores: number[]) => createStaff(shop, admin, stores)

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  await shop.api.post('/api/products', { id: 'HAM', name: 'Ветчина', price: 19990, unit: 'kg', quantityStep: 0.1 }, { token: admin.token })
  await shop.api.post('/api/products', { id: 'BUNS', name: 'Булочки', price: 5000, unit: 'pcs' }, { token: admin.token })
  catalogue = await seedCatalogue(shop, admin, { APPLES: 50, MILK: 50, BREAD: 50, HAM: 20, BUNS: 50 })
  clerk = await makeStaff([catalogue.stores.main])
  otherClerk = await makeStaff([catalogue.stores.other])
})
afterAll(async () => {
  await shop?.stop()
})

type Placed = { id: number; number: string; pickupCode: string; authorized: number; total: number }
async function placeOrder(items: Record<string, number>, { store = catalogue.stores.main, paymentToken = 'tok_visa' } = {}) {
  const buyer = await registerBuyer(shop)
  await fillCart(shop, buyer, items)
  const res = await shop.api.post('/api/checkout', { pickupPoint: store, contact, paymentToken }, { token: buyer.token })
  expect(res.status).toBe(201)
  return { buyer, order: res.body.order as Placed }
}
const orderRow = (id: number) =>
  sqlRows<{ status: string; payment_state: string; total: string; authorized: string; captured: string | null; refunded: string }>(
    shop,
    'SELECT status, payment_state, total::text, authorized::text, captured::text, refunded::text FROM orders WHERE id = $1',
    [id],
  ).then((r) => r[0])
const reservedOf = (sku: string, store = catalogue.stores.main) =>
  sqlRows<{ on_hand: string; reserved: string }>(shop, 'SELECT on_hand::text, reserved::text FROM stock WHERE product_id = $1 AND store_id = $2', [sku, store]).then((r) => r[0])
const settle = async () => settleOrders(await createLocalReq({}, shop.payload))

describe('shop staff', () => {
  it('are made by admins only, with their stores; a self-registered "staff" is a buyer; nobody gets admin through the API', async () => {
    const claims = JSON.parse(Buffer.from(clerk.token.split('.')[1]!, 'base64url').toString())
    expect(claims).toMatchObject({ role: 'staff', stores: [catalogue.stores.main] })
    expect(JSON.stringify(claims)).not.toContain(clerk.email) // the token carries nothing personal
    const self = await shop.api.post('/api/users', { email: 'sneaky@example.com', password: 'quiet corridor 12', role: 'staff', stores: [1] })
    expect(self.status).toBe(201)
    expect(await sqlRows(shop, 'SELECT role FROM users WHERE id = $1', [self.body.doc.id])).toEqual([{ role: 'buyer' }])
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM users_rels WHERE parent_id = $1', [self.body.doc.id])).toEqual([{ n: 0 }])
    const before = await snapshot(shop)
    expect((await shop.api.post('/api/users', { email: 'boss2@example.com', password: 'boss password 1234', role: 'admin' }, { token: admin.token })).status).toBe(403)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('cannot change their own role or stores, nor make staff', async () => {
    const res = await shop.api.patch(`/api/users/${clerk.id}`, { role: 'admin', stores: [catalogue.stores.main, catalogue.stores.other] }, { token: clerk.token })
    expect([200, 403]).toContain(res.status)
    expect(await sqlRows(shop, 'SELECT role FROM users WHERE id = $1', [clerk.id])).toEqual([{ role: 'staff' }])
    expect(await sqlRows(shop, 'SELECT stores_id FROM users_rels WHERE parent_id = $1', [clerk.id])).toEqual([{ stores_id: catalogue.stores.main }])
    const made = await shop.api.post('/api/users', { email: 'made-by-clerk@example.com', password: 'made by clerk 1234', role: 'staff', stores: [catalogue.stores.main] }, { token: clerk.token })
    expect(await sqlRows(shop, 'SELECT role FROM users WHERE id = $1', [made.body.doc.id])).toEqual([{ role: 'buyer' }])
  })

  it('admins move staff between stores and back to buyers', async () => {
    const temp = await makeStaff([catalogue.stores.main])
    expect((await shop.api.patch(`/api/users/${temp.id}`, { stores: [catalogue.stores.other] }, { token: admin.token })).status).toBe(200)
    expect(await sqlRows(shop, 'SELECT stores_id FROM users_rels WHERE parent_id = $1', [temp.id])).toEqual([{ stores_id: catalogue.stores.other }])
    expect((await shop.api.patch(`/api/users/${temp.id}`, { role: 'buyer' }, { token: admin.token })).status).toBe(200)
    expect(await sqlRows(shop, 'SELECT role FROM users WHERE id = $1', [temp.id])).toEqual([{ role: 'buyer' }])
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM users_rels WHERE parent_id = $1', [temp.id])).toEqual([{ n: 0 }])
  })

  it('may not change products, prices, pickup points or users (403), and see the whole catalogue', async () => {
    const before = await snapshot(shop)
    expect((await shop.api.patch('/api/products/MILK', { price: 1 }, { token: clerk.token })).status).toBe(403)
    expect((await shop.api.post('/api/products', { id: 'NEW', name: 'New', price: 1, unit: 'pcs' }, { token: clerk.token })).status).toBe(403)
    expect((await shop.api.patch(`/api/stores/${catalogue.stores.main}`, { name: 'Mine' }, { token: clerk.token })).status).toBe(403)
    expect((await shop.api.patch(`/api/users/${otherClerk.id}`, { stores: [catalogue.stores.main] }, { token: clerk.token })).status).toBe(403)
    expect((await shop.api.post('/api/stock', { product: 'HAM', store: catalogue.stores.closed, onHand: 1 }, { token: clerk.token })).status).toBe(403)
    expect(await snapshot(shop)).toEqual(before)
    expect((await shop.api.get(`/api/stores/${catalogue.stores.closed}`, { token: clerk.token })).status).toBe(200) // closed, still theirs to read
  })

  it("see and act on their own stores' orders and stock only: through list, id, where, sort and depth, nothing of the other store", async () => {
    const mine = await placeOrder({ MILK: 1 })
    const theirs = await placeOrder({ MILK: 1 }, { store: catalogue.stores.other })
    const list = await shop.api.get('/api/orders?limit=100&depth=2', { token: clerk.token })
    expect(list.status).toBe(200)
    const ids = list.body.docs.map((o: { id: number }) => o.id)
    expect(ids).toContain(mine.order.id)
    expect(ids).not.toContain(theirs.order.id)
    expect(list.body.docs.every((o: { pickupPoint: { id: number } }) => o.pickupPoint.id === catalogue.stores.main)).toBe(true)
    expect((await shop.api.get(`/api/orders/${theirs.order.id}`, { token: clerk.token })).status).toBe(404)
    expect((await shop.api.get(`/api/orders?where[pickupPoint][equals]=${catalogue.stores.other}`, { token: clerk.token })).body.docs).toEqual([])
    expect((await shop.api.get(`/api/orders?where[number][equals]=${theirs.order.number}`, { token: clerk.token })).body.docs).toEqual([])
    const sorted = await shop.api.get('/api/orders?sort=-total&limit=100', { token: clerk.token })
    expect(sorted.body.docs.map((o: { id: number }) => o.id)).not.toContain(theirs.order.id)
    const lines = await shop.api.get('/api/order-lines?limit=200&depth=1', { token: clerk.token })
    expect(lines.body.docs.map((l: { order: { id: number } }) => l.order.id)).not.toContain(theirs.order.id)
    // Never the buyer: no contact, no pickup code, no account.
    const detail = await shop.api.get(`/api/orders/${mine.order.id}?depth=2`, { token: clerk.token })
    expect(detail.body).toMatchObject({ number: mine.order.number, status: 'paid' })
    for (const field of ['contact', 'pickupCode', 'buyer']) expect(detail.body[field]).toBeUndefined()
    expect(JSON.stringify(detail.body)).not.toMatch(/Анна|Иванова|79161234567|@example\.com/)
    expect((await shop.api.get('/api/orders?where[buyer][equals]=1', { token: clerk.token })).status).toBe(400)

    // Stock: the numbers of their own rows; of the other store's, what the public sees.
    const [own] = (await shop.api.get(`/api/stock?where[product][equals]=HAM&where[store][equals]=${catalogue.stores.main}&depth=0`, { token: clerk.token })).body.docs
    expect(own).toMatchObject({ onHand: 20, reserved: 0, available: 20 })
    const [other] = (await shop.api.get(`/api/stock?where[product][equals]=HAM&where[store][equals]=${catalogue.stores.other}&depth=0`, { token: clerk.token })).body.docs
    expect(other.onHand).toBeUndefined()
    expect(other.reserved).toBeUndefined()
    expect(other.available).toBe(20)
    expect((await shop.api.get('/api/stock?where[onHand][greater_than]=1', { token: clerk.token })).status).toBe(400)
    const movements = await shop.api.get('/api/stock-movements?limit=500&depth=1', { token: clerk.token })
    expect(movements.status).toBe(200)
    expect(movements.body.docs.length).toBeGreaterThan(0)
    expect(movements.body.docs.every((m: { store: { id: number } }) => m.store.id === catalogue.stores.main)).toBe(true)
    const low = await shop.api.get('/api/stock/low', { token: clerk.token })
    expect(low.status).toBe(200)

    // Acting on the other store: refused, nothing changed.
    const otherRow = other.id as number
    const before = await snapshot(shop)
    expect((await shop.api.post(`/api/stock/${otherRow}/receive`, { quantity: 1 }, { token: clerk.token })).status).toBe(403)
    expect((await shop.api.post(`/api/stock/${otherRow}/count`, { onHand: 1 }, { token: clerk.token })).status).toBe(403)
    expect((await shop.api.post(`/api/stock/${otherRow}/write-off`, { quantity: 1, reason: 'lost' }, { token: clerk.token })).status).toBe(403)
    expect((await shop.api.patch(`/api/stock/${otherRow}`, { lowStockThreshold: 3 }, { token: clerk.token })).status).toBe(403)
    expect((await assemble(shop, clerk.token, theirs.order.id)).status).toBe(404)
    expect((await shop.api.post(`/api/orders/${theirs.order.id}/cancel`, {}, { token: clerk.token })).status).toBe(404)
    expect((await shop.api.post('/api/pickup', { code: theirs.order.pickupCode }, { token: clerk.token })).status).toBe(409)
    expect(await snapshot(shop)).toEqual(before)
    // Their own: allowed.
    expect((await shop.api.post(`/api/stock/${own.id}/receive`, { quantity: 1.25 }, { token: clerk.token })).status).toBe(200)
  })
})

describe('assembly', () => {
  it('1.5 kg of ham ordered, 1.43 kg on the scale: the buyer pays for what was weighed; hold, capture and release in the gateway', async () => {
    // 1.5 kg × 199.90 = 299.85 and 2 buns × 50.00: total 399.85, held 399.85 + 10 % of 299.85 (29.985 → 29.99).
    const { order } = await placeOrder({ HAM: 1.5, BUNS: 2 })
    expect(order).toMatchObject({ total: 39985, authorized: 42984 })
    expect(await paymentOf(shop, order.id)).toEqual({ status: 'approved', authorized: '42984', captured: '0', voided: '0', refunded: '0' })
    const before = await reservedOf('HAM')
    const res = await assemble(shop, clerk.token, order.id, [{ sku: 'HAM', quantity: 1.43 }])
    expect(res.status).toBe(200)
    // 1.43 × 199.90 = 285.857 → 285.86 (half up); + 100.00.
    expect(res.body.order).toMatchObject({
      status: 'ready',
      total: 28586 + 10000,
      authorized: 42984,
      captured: 38586,
      refunded: 0,
      items: [
        { sku: 'BUNS', quantity: 2, pickedQuantity: 2, lineTotal: 10000 },
        { sku: 'HAM', quantity: 1.5, pickedQuantity: 1.43, lineTotal: 28586 },
      ],
    })
    expect(await orderRow(order.id)).toMatchObject({ status: 'ready', payment_state: 'captured', captured: '38586' })
    expect(await paymentOf(shop, order.id)).toEqual({ status: 'approved', authorized: '42984', captured: '38586', voided: '4398', refunded: '0' })
    // The reservation follows the scale: 0.07 kg less held, with its correction movement.
    const after = await reservedOf('HAM')
    expect((Number(after!.reserved) - Number(before!.reserved)).toFixed(3)).toBe('-0.070')
    expect(await sqlRows(shop, "SELECT reserved_delta::text AS delta, by_id FROM stock_movements WHERE order_id = $1 AND type = 'correction'", [order.id])).toEqual([
      { delta: '-0.07', by_id: clerk.id },
    ])
    expect(await stockDisagreements(shop)).toEqual([])
  })

  it('unlisted lines are picked as ordered; a heavier pick within the tolerance needs that much available and is held for', async () => {
    const { order } = await placeOrder({ HAM: 1, MILK: 1 })
    const res = await assemble(shop, clerk.token, order.id, [{ sku: 'HAM', quantity: 1.1 }])
    expect(res.status).toBe(200)
    expect(res.body.order).toMatchObject({ total: 21989 + 8990, captured: 21989 + 8990 })
    expect(res.body.order.items.find((i: { sku: string }) => i.sku === 'MILK')).toMatchObject({ quantity: 1, pickedQuantity: 1 })
    expect(await sqlRows(shop, "SELECT reserved_delta::text AS delta FROM stock_movements WHERE order_id = $1 AND type = 'correction'", [order.id])).toEqual([{ delta: '0.1' }])
  })

  it('refuses each bad pick with nothing changed: 400 for a malformed one, 409 for more than may be picked', async () => {
    const { order } = await placeOrder({ HAM: 1.5, BUNS: 2 })
    const before = await snapshot(shop)
    for (const [lines, status] of [
      [[{ sku: 'MILK', quantity: 1 }], 400], // not in the order
      [[{ sku: 'HAM', quantity: -0.1 }], 400],
      [[{ sku: 'BUNS', quantity: 1.5 }], 400], // a fraction of a piece
      [[{ sku: 'HAM', quantity: 1.2345 }], 400], // more than 3 decimals
      [[{ sku: 'HAM', quantity: '1.4' }], 400],
      [[{ sku: 'HAM', quantity: 1.4 }, { sku: 'HAM', quantity: 1.4 }], 400],
      [[{ sku: 'HAM', quantity: 1.4, price: 1 }], 400],
      [[{ sku: 'BUNS', quantity: 3 }], 409], // more pieces than ordered
      [[{ sku: 'HAM', quantity: 1.651 }], 409], // beyond 1.5 × 1.10
      // The same, with a total still within the hold: refused by the rule itself, not by the amount.
      [[{ sku: 'BUNS', quantity: 3 }, { sku: 'HAM', quantity: 1 }], 409],
      [[{ sku: 'HAM', quantity: 1.7 }, { sku: 'BUNS', quantity: 0 }], 409],
    ] as const) {
      const res = await assemble(shop, clerk.token, order.id, lines as never)
      expect({ lines, status: res.status }).toEqual({ lines, status })
    }
    expect((await shop.api.post(`/api/orders/${order.id}/ready`, { lines: [], extra: 1 }, { token: clerk.token })).status).toBe(400)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('a heavier pick than is available, a total above the hold, a buyer, an unpaid order: refused, nothing changed', async () => {
    // Only 0.05 kg more ham available at the other store: a pick 0.1 kg heavier cannot be held.
    const { order, buyer } = await placeOrder({ HAM: 1 }, { store: catalogue.stores.other })
    const row = (await sqlRows<{ id: number; on_hand: string; reserved: string }>(shop, 'SELECT id, on_hand::text, reserved::text FROM stock WHERE product_id = $1 AND store_id = $2', ['HAM', catalogue.stores.other]))[0]!
    await shop.api.post(`/api/stock/${row.id}/count`, { onHand: Number(row.reserved) + 0.05 }, { token: admin.token })
    let before = await snapshot(shop)
    const short = await assemble(shop, otherClerk.token, order.id, [{ sku: 'HAM', quantity: 1.1 }])
    expect(short.status).toBe(409)
    expect(JSON.stringify(short.body)).toMatch(/HAM/)
    expect(await snapshot(shop)).toEqual(before)
    await shop.api.post(`/api/stock/${row.id}/receive`, { quantity: 5 }, { token: admin.token })

    // The tolerance raised after checkout: a pick within it but above the hold.
    const saved = settingsOf(shop.payload).weightToleranceBp
    settingsOf(shop.payload).weightToleranceBp = 5000
    try {
      before = await snapshot(shop)
      const above = await assemble(shop, otherClerk.token, order.id, [{ sku: 'HAM', quantity: 1.4 }])
      expect(above.status).toBe(409)
      expect(await snapshot(shop)).toEqual(before)
    } finally {
      settingsOf(shop.payload).weightToleranceBp = saved
    }
    before = await snapshot(shop)
    expect((await assemble(shop, buyer.token, order.id)).status).toBe(403)
    expect((await shop.api.post(`/api/orders/${order.id}/ready`, {})).status).toBe(401)
    expect(await snapshot(shop)).toEqual(before)
    expect((await assemble(shop, otherClerk.token, order.id)).status).toBe(200)
    before = await snapshot(shop)
    expect((await assemble(shop, otherClerk.token, order.id)).status).toBe(409) // ready, not paid
    expect(await snapshot(shop)).toEqual(before)
  })

  it('two clerks press Ready at once: one assembly, one capture', async () => {
    const { order } = await placeOrder({ HAM: 1.2 })
    const answers = await Promise.all([assemble(shop, clerk.token, order.id, [{ sku: 'HAM', quantity: 1.25 }]), assemble(shop, admin.token, order.id)])
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
    expect(await sqlRows(shop, "SELECT count(*)::int AS n FROM payment_stub_operations p JOIN payment_stub_authorizations a ON a.authorization_id = p.authorization_id JOIN orders o ON o.payment_key = a.idempotency_key WHERE o.id = $1 AND p.kind = 'capture'", [order.id])).toEqual([{ n: 1 }])
    expect(await stockDisagreements(shop)).toEqual([])
  })

  it('every line at 0: the order is cancelled, its hold released, its reservation given back', async () => {
    const { order } = await placeOrder({ HAM: 0.5, BUNS: 1 })
    const stockBefore = { HAM: await reservedOf('HAM'), BUNS: await reservedOf('BUNS') }
    const res = await assemble(shop, clerk.token, order.id, [{ sku: 'HAM', quantity: 0 }, { sku: 'BUNS', quantity: 0 }])
    expect(res.status).toBe(200)
    expect(res.body.order.status).toBe('cancelled')
    expect(await orderRow(order.id)).toMatchObject({ status: 'cancelled', payment_state: 'voided' })
    const payment = await paymentOf(shop, order.id)
    expect(payment).toMatchObject({ captured: '0', voided: payment!.authorized })
    expect(Number((await reservedOf('HAM'))!.reserved)).toBeCloseTo(Number(stockBefore.HAM!.reserved) - 0.5, 6)
    expect(Number((await reservedOf('BUNS'))!.reserved)).toBe(Number(stockBefore.BUNS!.reserved) - 1)
    expect(await stockDisagreements(shop)).toEqual([])
  })

  it('a capture the gateway declines cancels the order (402): reservation and hold released, the buyer told', async () => {
    const { order } = await placeOrder({ BUNS: 3 }, { paymentToken: 'tok_captureDeclined' })
    const res = await assemble(shop, clerk.token, order.id)
    expect(res.status).toBe(402)
    expect(res.body.order).toMatchObject({ id: order.id, status: 'cancelled' })
    expect(await orderRow(order.id)).toMatchObject({ status: 'cancelled', payment_state: 'voided' })
    expect(await sqlRows(shop, 'SELECT kind FROM order_notifications WHERE order_id = $1 ORDER BY kind', [order.id])).toEqual([{ kind: 'cancelled' }, { kind: 'confirmation' }])
    expect(await stockDisagreements(shop)).toEqual([])
  })

  it('a capture whose answer is lost (504) is finished by the settlement job: ready, once, with two runners', async () => {
    const { order } = await placeOrder({ BUNS: 2 }, { paymentToken: 'tok_captureLost' })
    const saved = settingsOf(shop.payload).payment.timeoutMs
    settingsOf(shop.payload).payment.timeoutMs = 200
    try {
      expect((await assemble(shop, clerk.token, order.id)).status).toBe(504)
      expect(await orderRow(order.id)).toMatchObject({ status: 'paid', payment_state: 'capture_pending' })
      await sqlRows(shop, "UPDATE orders SET updated_at = now() - interval '2 minutes' WHERE id = $1", [order.id])
      const reports = await Promise.all([settle(), settle()])
      expect(reports.reduce((n, r) => n + r.ready, 0)).toBeGreaterThanOrEqual(1)
    } finally {
      settingsOf(shop.payload).payment.timeoutMs = saved
    }
    expect(await orderRow(order.id)).toMatchObject({ status: 'ready', payment_state: 'captured', captured: '10000' })
    expect(await paymentOf(shop, order.id)).toMatchObject({ captured: '10000' })
    expect(await sqlRows(shop, "SELECT count(*)::int AS n FROM order_notifications WHERE order_id = $1 AND kind = 'ready'", [order.id])).toEqual([{ n: 1 }])
  })

  it('the buyer gets a "ready for pickup" email in their language: final lines and amounts, held and charged, the QR code, the address', async () => {
    const { order, buyer } = await placeOrder({ HAM: 1.5, BUNS: 2 })
    expect((await assemble(shop, clerk.token, order.id, [{ sku: 'HAM', quantity: 1.43 }])).status).toBe(200)
    while ((await sendDueNotifications(await createLocalReq({}, shop.payload))).sent > 0);
    const mail = emailsTo(buyer.email).find((m) => m.subject === `Заказ ${order.number} собран и ждёт вас`)
    expect(mail).toBeDefined()
    expect(mail!.text).toContain('1,43\u00a0кг')
    expect(mail!.text).toContain('списано: 385,86\u00a0₽') // charged
    expect(mail!.text).toContain('Заблокировано на карте: 429,84\u00a0₽') // held
    expect(mail!.text).toContain('Москва, Тверская, 7')
    expect(fs.readFileSync(path.join(env.mail.dir, mail!.file), 'utf8')).toContain(`filename=order-${order.number}.png`)
  })
})

describe('hand-over and cancellation', () => {
  it('hands a ready order over once: onHand and reserved both lose what was picked', async () => {
    const { order } = await placeOrder({ HAM: 1 })
    expect((await assemble(shop, clerk.token, order.id, [{ sku: 'HAM', quantity: 0.95 }])).status).toBe(200)
    const before = await reservedOf('HAM')
    const res = await shop.api.post('/api/pickup', { code: order.pickupCode }, { token: clerk.token })
    expect(res.status).toBe(200)
    expect(res.body.order.status).toBe('collected')
    const after = await reservedOf('HAM')
    expect((Number(before!.on_hand) - Number(after!.on_hand)).toFixed(3)).toBe('0.950')
    expect((Number(before!.reserved) - Number(after!.reserved)).toFixed(3)).toBe('0.950')
    const snap = await snapshot(shop)
    const again = await shop.api.post('/api/pickup', { code: order.pickupCode }, { token: clerk.token })
    expect(again.status).toBe(409)
    expect(again.body.errors[0].message).toMatch(/already handed over/)
    expect(await snapshot(shop)).toEqual(snap)
  })

  it('the buyer cancels their own paid order (hold released), not a ready one; never someone else’s', async () => {
    const { order, buyer } = await placeOrder({ BUNS: 1 })
    const stranger = await registerBuyer(shop)
    let before = await snapshot(shop)
    expect((await shop.api.post(`/api/orders/${order.id}/cancel`, {}, { token: stranger.token })).status).toBe(404)
    expect(await snapshot(shop)).toEqual(before)
    const res = await shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'changed my mind' }, { token: buyer.token })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ order: { status: 'cancelled' }, payment: 'voided' })
    const ready = await placeOrder({ BUNS: 1 })
    expect((await assemble(shop, clerk.token, ready.order.id)).status).toBe(200)
    before = await snapshot(shop)
    expect((await shop.api.post(`/api/orders/${ready.order.id}/cancel`, {}, { token: ready.buyer.token })).status).toBe(409)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('staff cancel a ready order: the charge is refunded in full, the stock released, the buyer told', async () => {
    const { order } = await placeOrder({ HAM: 1.5 })
    expect((await assemble(shop, clerk.token, order.id, [{ sku: 'HAM', quantity: 1.43 }])).status).toBe(200)
    const before = await reservedOf('HAM')
    const res = await shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'damaged packaging' }, { token: clerk.token })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ order: { status: 'cancelled', refunded: 28586 }, payment: 'refunded' })
    expect(await paymentOf(shop, order.id)).toMatchObject({ captured: '28586', refunded: '28586' })
    expect((Number(before!.reserved) - Number((await reservedOf('HAM'))!.reserved)).toFixed(3)).toBe('1.430')
    expect(await sqlRows(shop, "SELECT count(*)::int AS n FROM order_notifications WHERE order_id = $1 AND kind = 'cancelled'", [order.id])).toEqual([{ n: 1 }])
    expect(await stockDisagreements(shop)).toEqual([])
  })

  it('a cancel while the capture is in flight (slow gateway) is refused for everyone; once charged, a cancel refunds it (#17)', async () => {
    const { order, buyer } = await placeOrder({ HAM: 1.5 })
    const saved = settingsOf(shop.payload).payment.stubLatencyMs
    settingsOf(shop.payload).payment.stubLatencyMs = 1500
    let assembling: Promise<{ status: number }>
    try {
      assembling = assemble(shop, clerk.token, order.id, [{ sku: 'HAM', quantity: 1.43 }])
      for (let i = 0; i < 200 && (await orderRow(order.id))!.payment_state !== 'capture_pending'; i++) await new Promise((r) => setTimeout(r, 10))
      expect(await orderRow(order.id)).toMatchObject({ status: 'paid', payment_state: 'capture_pending' })
      const before = await snapshot(shop)
      for (const token of [buyer.token, clerk.token, admin.token]) {
        const res = await shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'while charging' }, { token })
        expect({ status: res.status, payment: res.body.errors?.[0]?.data?.payment }).toEqual({ status: 409, payment: 'capture_pending' })
      }
      const { cancelOrder } = await import('../../src/shop/orders')
      await expect(cancelOrder(await createLocalReq({}, shop.payload), order.id, 'pickup hold', { as: 'job' })).rejects.toMatchObject({ status: 409 })
      expect(await snapshot(shop)).toEqual(before)
      expect((await assembling).status).toBe(200)
    } finally {
      settingsOf(shop.payload).payment.stubLatencyMs = saved
    }
    expect(await orderRow(order.id)).toMatchObject({ status: 'ready', captured: '28586' })
    // Charged: the shop's cancel now refunds what was captured, and nothing stays held.
    const res = await shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'damaged packaging' }, { token: clerk.token })
    expect(res.status).toBe(200)
    expect(await orderRow(order.id)).toMatchObject({ status: 'cancelled', payment_state: 'refunded', refunded: '28586' })
    const payment = await paymentOf(shop, order.id)
    expect(Number(payment!.captured) - Number(payment!.refunded)).toBe(0)
    expect(Number(payment!.authorized) - Number(payment!.captured) - Number(payment!.voided)).toBe(0)
  })

  it('a cancel that comes first wins over a slow assembly: nothing is captured (#17)', async () => {
    const { order, buyer } = await placeOrder({ HAM: 1.5 })
    const saved = settingsOf(shop.payload).payment.stubLatencyMs
    settingsOf(shop.payload).payment.stubLatencyMs = 500
    try {
      const cancelling = shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'changed my mind' }, { token: buyer.token })
      await new Promise((r) => setTimeout(r, 50))
      const assembled = await assemble(shop, clerk.token, order.id, [{ sku: 'HAM', quantity: 1.43 }])
      expect((await cancelling).status).toBe(200)
      expect(assembled.status).toBe(409)
    } finally {
      settingsOf(shop.payload).payment.stubLatencyMs = saved
    }
    expect(await orderRow(order.id)).toMatchObject({ status: 'cancelled', payment_state: 'voided', captured: null })
    expect(await paymentOf(shop, order.id)).toMatchObject({ captured: '0', refunded: '0' })
  })

  it('staff cancel a ready order whose uncaptured remainder was still to be released: refunded, and the remainder voided too', async () => {
    const { order } = await placeOrder({ HAM: 1.5 })
    // The gateway takes the capture but not the release of the rest: the order is ready with the release due.
    const gateway = paymentGateway(shop.payload)
    const voidAtTheGateway = gateway.void.bind(gateway)
    gateway.void = async () => {
      throw new Error('the gateway is not answering voids')
    }
    try {
      expect((await assemble(shop, clerk.token, order.id, [{ sku: 'HAM', quantity: 1.43 }])).status).toBe(200)
    } finally {
      gateway.void = voidAtTheGateway
    }
    expect(await orderRow(order.id)).toMatchObject({ status: 'ready', payment_state: 'release_due', captured: '28586' })
    const held = await paymentOf(shop, order.id)
    expect(held).toMatchObject({ captured: '28586', voided: '0' })

    const res = await shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'damaged packaging' }, { token: clerk.token })
    expect(res.status).toBe(200)
    expect(await orderRow(order.id)).toMatchObject({ status: 'cancelled', payment_state: 'refunded', refunded: '28586' })
    // Nothing left held on the card: the charge refunded, the rest of the hold released.
    expect(await paymentOf(shop, order.id)).toMatchObject({ captured: '28586', refunded: '28586', voided: String(Number(held!.authorized) - 28586) })
    await settle() // a later settlement run changes nothing
    expect(await paymentOf(shop, order.id)).toMatchObject({ captured: '28586', refunded: '28586', voided: String(Number(held!.authorized) - 28586) })
  })
})

describe('orders nobody assembles or collects (PICKUP_HOLD)', () => {
  it('the settlement job cancels them, with two runners at once: a ready one refunded, a paid one released, once each', async () => {
    const ready = await placeOrder({ BUNS: 2 })
    expect((await assemble(shop, clerk.token, ready.order.id)).status).toBe(200)
    const paid = await placeOrder({ BUNS: 1 })
    const fresh = await placeOrder({ BUNS: 1 })
    const stockBefore = await stockAt(shop, catalogue.stores.main)
    // Time passes for the first two: beyond the hold.
    await sqlRows(shop, "UPDATE orders SET ready_at = now() - interval '4 days' WHERE id = $1", [ready.order.id])
    await sqlRows(shop, "UPDATE orders SET paid_at = now() - interval '4 days' WHERE id = $1", [paid.order.id])
    const reports = await Promise.all([settle(), settle()])
    expect(reports.reduce((n, r) => n + r.expired, 0)).toBe(2)
    expect(await orderRow(ready.order.id)).toMatchObject({ status: 'cancelled', payment_state: 'refunded', refunded: '10000' })
    expect(await orderRow(paid.order.id)).toMatchObject({ status: 'cancelled', payment_state: 'voided' })
    expect(await orderRow(fresh.order.id)).toMatchObject({ status: 'paid' })
    expect(await paymentOf(shop, ready.order.id)).toMatchObject({ captured: '10000', refunded: '10000' })
    expect(Number((await stockAt(shop, catalogue.stores.main)).BUNS)).toBe(Number(stockBefore.BUNS) + 3)
    expect(await sqlRows(shop, "SELECT count(*)::int AS n FROM stock_movements WHERE type = 'release' AND order_id = ANY($1)", [[ready.order.id, paid.order.id]])).toEqual([{ n: 2 }])
    expect(await stockDisagreements(shop)).toEqual([])
  })

  it('the dashboard warns of exactly what the job will cancel: not a paid order whose capture is in flight', async () => {
    const { ordersNearPickupHold } = await import('../../src/shop/orderQueries')
    const due = await placeOrder({ BUNS: 1 })
    const charging = await placeOrder({ BUNS: 1 })
    await sqlRows(shop, "UPDATE orders SET paid_at = now() - interval '3 days' + interval '1 hour' WHERE id = ANY($1)", [[due.order.id, charging.order.id]])
    await sqlRows(shop, "UPDATE orders SET payment_state = 'capture_pending' WHERE id = $1", [charging.order.id])
    const near = (await ordersNearPickupHold(await createLocalReq({}, shop.payload), [catalogue.stores.main], 24 * 3_600_000)).map((o) => o.id)
    expect(near).toContain(due.order.id)
    expect(near).not.toContain(charging.order.id)
    // An hour later, the job cancels the one the dashboard named and leaves the other.
    await sqlRows(shop, "UPDATE orders SET paid_at = paid_at - interval '2 hours' WHERE id = ANY($1)", [[due.order.id, charging.order.id]])
    await settle()
    expect(await orderRow(due.order.id)).toMatchObject({ status: 'cancelled' })
    expect(await orderRow(charging.order.id)).toMatchObject({ status: 'paid', payment_state: 'capture_pending' })
    await sqlRows(shop, "UPDATE orders SET payment_state = 'authorized' WHERE id = $1", [charging.order.id]) // leave it settled
  })
})
