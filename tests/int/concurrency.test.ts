// Checkout against the real database under concurrency: never oversell, never deadlock into a 500.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { settingsOf } from '../../src/settings'
import { type Catalogue, contact, fillCart, seedCatalogue, stockAt, stockDisagreements } from '../helpers/fixtures'
import { createAdmin, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let admin: Account
let catalogue: Catalogue

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  catalogue = await seedCatalogue(shop, admin, { APPLES: 100, MILK: 5, BREAD: 100 })
  // These tests are about the reservation. On this 2-core machine with the whole suite running beside
  // them, a charge answer has been seen to take over the default 5 s; a 504 would be correct, but not
  // what is tested here (timeouts have their own tests).
  settingsOf(shop.payload).payment.timeoutMs = 60_000
})
afterAll(async () => {
  await shop?.stop()
})

const checkout = (buyer: Account) =>
  shop.api.post('/api/checkout', { pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_visa' }, { token: buyer.token })

const buyers = (n: number) => Promise.all(Array.from({ length: n }, () => registerBuyer(shop)))

describe('concurrency', () => {
  it('stock 5, 30 buyers checking out 1 each at once → exactly 5 paid orders, stock exactly 0', async () => {
    const crowd = await buyers(30)
    for (const buyer of crowd) await fillCart(shop, buyer, { MILK: 1 })
    const results = await Promise.all(crowd.map(checkout))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(5)
    expect(statuses.filter((s) => s === 409)).toHaveLength(25)
    for (const refused of results.filter((r) => r.status === 409)) {
      expect(refused.body.lines).toEqual([{ sku: 'MILK', requested: 1, available: 0 }])
    }
    expect((await stockAt(shop, catalogue.stores.main)).MILK).toBe('0')
    expect(await sqlRows(shop, "SELECT count(*)::int AS n FROM orders WHERE status = 'paid'")).toEqual([{ n: 5 }])
    expect(await sqlRows(shop, "SELECT coalesce(sum(quantity), 0)::text AS sold FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status = 'paid' AND l.product_id = 'MILK'")).toEqual([{ sold: '5' }])
    // The refused buyers keep their carts.
    const refusedBuyer = crowd[statuses.indexOf(409)]!
    expect((await shop.api.get('/api/cart', { token: refusedBuyer.token })).body.items).toHaveLength(1)
  }, 120_000)

  it('multi-line checkouts of the same products in different orders at once: no deadlock, no 500, exact stock', async () => {
    const crowd = await buyers(16)
    const before = await stockAt(shop, catalogue.stores.main)
    // Each buyer fills the cart in another order of products (which is the order their lines were added).
    const orders = [
      { APPLES: 0.5, BREAD: 1, MILK: 0 },
      { BREAD: 1, APPLES: 0.5 },
    ]
    for (const [i, buyer] of crowd.entries()) {
      const items = Object.fromEntries(Object.entries(orders[i % 2]!).filter(([, q]) => q > 0))
      await fillCart(shop, buyer, items)
    }
    const results = await Promise.all(crowd.map(checkout))
    expect(results.map((r) => r.status)).toEqual(crowd.map(() => 201))
    const after = await stockAt(shop, catalogue.stores.main)
    expect(Number(after.APPLES).toFixed(3)).toBe((Number(before.APPLES) - 16 * 0.5).toFixed(3))
    expect(Number(after.BREAD)).toBe(Number(before.BREAD) - 16)
  }, 120_000)

  it('deliveries and stocktakes during a checkout rush: every change kept, nothing oversold, the ledger holds', async () => {
    // A product of its own: 20 on the shelf, 40 buyers, 4 deliveries of 5 and 2 stocktakes that find 40.
    await shop.api.post('/api/products', { id: 'SOAP', name: 'Мыло', price: 5000, unit: 'pcs' }, { token: admin.token })
    const row = await shop.api.post('/api/stock', { product: 'SOAP', store: catalogue.stores.main, onHand: 20 }, { token: admin.token })
    const id = row.body.doc.id as number
    const crowd = await buyers(40)
    for (const buyer of crowd) await fillCart(shop, buyer, { SOAP: 1 })
    const staff = (op: string, body: unknown) => shop.api.post(`/api/stock/${id}/${op}`, body, { token: admin.token })
    const [results, shelf] = await Promise.all([
      Promise.all(crowd.map(checkout)),
      Promise.all([
        ...Array.from({ length: 4 }, () => staff('receive', { quantity: 5, note: 'rush delivery' })),
        staff('count', { onHand: 40 }),
        staff('count', { onHand: 40 }),
      ]),
    ])
    expect(shelf.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200])
    const statuses = results.map((r) => r.status)
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
    const paid = statuses.filter((s) => s === 201).length
    const [stock] = await sqlRows<{ on_hand: string; reserved: string }>(shop, 'SELECT on_hand::text, reserved::text FROM stock WHERE id = $1', [id])
    expect(Number(stock!.reserved)).toBe(paid)
    expect(Number(stock!.reserved)).toBeLessThanOrEqual(Number(stock!.on_hand))
    expect(paid).toBeGreaterThanOrEqual(20) // at least what was there from the start
    expect(await stockDisagreements(shop)).toEqual([])
  }, 120_000)

  it('adding the same product twice makes one line; checkout takes the sum once, not twice', async () => {
    const [buyer] = await buyers(1)
    await Promise.all([fillCart(shop, buyer!, { APPLES: 0.3 }), fillCart(shop, buyer!, { APPLES: 0.4 })])
    const before = await stockAt(shop, catalogue.stores.main)
    const res = await checkout(buyer!)
    expect(res.status).toBe(201)
    expect(res.body.order.items).toEqual([expect.objectContaining({ sku: 'APPLES', quantity: 0.7, lineTotal: Math.round(19990 * 0.7) })])
    const after = await stockAt(shop, catalogue.stores.main)
    expect(Number(after.APPLES).toFixed(3)).toBe((Number(before.APPLES) - 0.7).toFixed(3))
  })

  it('checkouts, assemblies, hand-overs and cancellations all at once: every order ends once, the ledger holds', async () => {
    await shop.api.post('/api/products', { id: 'CHEESE', name: 'Сыр', price: 89900, unit: 'kg', quantityStep: 0.1 }, { token: admin.token })
    await shop.api.post('/api/stock', { product: 'CHEESE', store: catalogue.stores.main, onHand: 40 }, { token: admin.token })
    // Twelve paid orders to work on, and twelve buyers with carts checking out meanwhile.
    const placed = []
    for (const buyer of await buyers(12)) {
      await fillCart(shop, buyer, { CHEESE: 1.5, BREAD: 1 })
      const res = await checkout(buyer)
      expect(res.status).toBe(201)
      placed.push({ buyer, order: res.body.order as { id: number; pickupCode: string } })
    }
    const crowd = await buyers(12)
    for (const buyer of crowd) await fillCart(shop, buyer, { CHEESE: 0.5, BREAD: 1 })
    const work = [
      ...crowd.map((buyer) => checkout(buyer)),
      // A third assembled (lighter, heavier), then some of those handed over; a third cancelled by the
      // buyer; the rest assembled and cancelled by the shop, while others check out.
      ...placed.slice(0, 4).map(({ order }, i) =>
        shop.api.post(`/api/orders/${order.id}/ready`, { lines: [{ sku: 'CHEESE', quantity: i % 2 ? 1.43 : 1.6 }] }, { token: admin.token })
          .then(() => shop.api.post('/api/pickup', { code: order.pickupCode }, { token: admin.token })),
      ),
      ...placed.slice(4, 8).map(({ order, buyer }) => shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'changed my mind' }, { token: buyer.token })),
      ...placed.slice(8).map(({ order }) =>
        shop.api.post(`/api/orders/${order.id}/ready`, {}, { token: admin.token })
          .then(() => shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'shop closed early' }, { token: admin.token })),
      ),
    ]
    const answers = await Promise.all(work)
    expect(answers.every((a) => a.status < 500)).toBe(true)
    const statuses = await sqlRows<{ status: string; n: number }>(
      shop,
      'SELECT status::text, count(*)::int AS n FROM orders WHERE id = ANY($1) GROUP BY status ORDER BY status',
      [placed.map((p) => p.order.id)],
    )
    expect(statuses).toEqual([
      { status: 'cancelled', n: 8 },
      { status: 'collected', n: 4 },
    ])
    expect(await stockDisagreements(shop)).toEqual([])
  }, 120_000)

  it('after all of the above, every stock row agrees with its movements and its orders (stock:verify)', async () => {
    expect(await stockDisagreements(shop)).toEqual([])
  })
})
