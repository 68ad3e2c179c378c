// Checkout through the REST API: the reservation, the payment outcomes, idempotency, and the answers to
// bad input, each refusal checked to have changed nothing (stock, carts, orders, claims, charges).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { checkoutBounds, claimStaleAfterMs } from '../../src/env'
import { settingsOf } from '../../src/settings'
import { type Catalogue, contact, dataUrlPng, fillCart, readQr, seedCatalogue, snapshot, stockAt } from '../helpers/fixtures'
import { createAdmin, registerBuyer, sqlRows, startTestShop, statementsDuring, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let admin: Account
let catalogue: Catalogue

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  catalogue = await seedCatalogue(shop, admin, { APPLES: 10, MILK: 10, BREAD: 3 })
  settingsOf(shop.payload).payment.timeoutMs = 300 // tok_timeout answers 504 after this
})
afterAll(async () => {
  await shop?.stop()
})

const order = (buyer: Account, body: Record<string, unknown> = {}, key?: string) =>
  shop.api.post(
    '/api/checkout',
    { pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_visa', ...body },
    { token: buyer.token, headers: key ? { 'Idempotency-Key': key } : {} },
  )

/** Until the buyer's checkout has claimed its run (and, with `olderThanMs`, has been running that long). */
async function waitForClaim(buyer: Account, olderThanMs = 0) {
  for (let i = 0; i < 500; i++) {
    const [row] = await sqlRows<{ n: number }>(
      shop,
      `SELECT count(*)::int AS n FROM checkout_requests
       WHERE buyer_id = $1 AND state = 'running' AND started_at <= now() - make_interval(secs => $2::float / 1000)`,
      [buyer.id, olderThanMs],
    )
    if (row!.n > 0) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('the checkout never claimed its run')
}

const chargesFor = (orderId: number) =>
  sqlRows<{ status: string; amount: string; captured: string }>(
    shop,
    `SELECT a.status, a.amount::text AS amount, a.captured::text AS captured
     FROM payment_stub_authorizations a JOIN orders o ON o.payment_key = a.idempotency_key WHERE o.id = $1`,
    [orderId],
  )

describe('checkout: the happy path', () => {
  it('reserves, charges and answers with the order, its pickup code and a QR code of exactly that code', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { APPLES: 0.3, MILK: 2 })
    const before = await stockAt(shop, catalogue.stores.main)
    const res = await order(buyer, { expectedTotal: 5997 + 2 * 8990 })
    expect(res.status).toBe(201)
    const { order: placed, qr } = res.body
    expect(placed).toMatchObject({
      status: 'paid',
      total: 5997 + 17980, // 0.3 kg × 199.90 = 59.97
      currency: 'RUB',
      pickupPoint: { id: catalogue.stores.main, name: 'Тверская' },
      items: [
        { sku: 'APPLES', quantity: 0.3, unitPrice: 19990, lineTotal: 5997 },
        { sku: 'MILK', quantity: 2, unitPrice: 8990, lineTotal: 17980 },
      ],
    })
    expect(placed.number).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    expect(await readQr(dataUrlPng(qr))).toBe(placed.pickupCode)
    // Exact decimals: 10 − 0.3 is 9.7, not 9.700000000000001.
    expect(await stockAt(shop, catalogue.stores.main)).toEqual({ ...before, APPLES: '9.7', MILK: '8' })
    expect(await stockAt(shop, catalogue.stores.other)).toEqual({ APPLES: '10', BREAD: '3', MILK: '10' })
    expect((await shop.api.get('/api/cart', { token: buyer.token })).body.items).toEqual([])
    expect(await sqlRows(shop, 'SELECT status, payment_state, contact_phone FROM orders WHERE id = $1', [placed.id])).toEqual([
      { status: 'paid', payment_state: 'authorized', contact_phone: '+79161234567' },
    ])
    // Held, not charged: the total plus 10 % of the weighed line (599.7 → 600), charged at assembly.
    expect(placed).toMatchObject({ authorized: 5997 + 17980 + 600, captured: null, refunded: 0 })
    expect(await chargesFor(placed.id)).toEqual([{ status: 'approved', amount: String(5997 + 17980 + 600), captured: '0' }])
  })

  it('refuses a price or total the client sends (400 naming the field, nothing changed), and reads the current prices', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { BREAD: 1 })
    const before = await snapshot(shop)
    const refused = await order(buyer, { total: 1, items: [{ sku: 'BREAD', unitPrice: 1 }] })
    expect(refused.status).toBe(400)
    expect(JSON.stringify(refused.body.errors[0].data.issues)).toMatch(/total|items/)
    expect(await snapshot(shop)).toEqual(before)
    const res = await order(buyer)
    expect(res.status).toBe(201)
    expect(res.body.order.total).toBe(5000)
    expect(res.body.order.items).toEqual([{ sku: 'BREAD', name: 'Хлеб', unit: 'pcs', quantity: 1, pickedQuantity: null, unitPrice: 5000, lineTotal: 5000 }])
  })

  it('takes eight statements, all but the transaction and the status change named prepared ones (no SQL built per request)', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { APPLES: 0.5, MILK: 1, BREAD: 1 })
    let res: Awaited<ReturnType<typeof order>> | undefined
    const statements = await statementsDuring(shop, async () => (res = await order(buyer)))
    expect(res!.status).toBe(201)
    // Its stock goes back for the tests below.
    expect((await shop.api.post(`/api/orders/${res!.body.order.id}/cancel`, {}, { token: buyer.token })).status).toBe(200)
    expect(statements.slice(0, -1)).toEqual([
      'shop_session_user',
      'shop_checkout_claim',
      'begin',
      'shop_checkout_cart_at_store',
      'shop_checkout_write_order',
      'shop_stock_change_reservations',
      'commit',
    ])
    // Paid, its notice, the cart and the claim: one statement (transitionOrder's alongWith).
    expect(statements.at(-1)).toMatch(/^WITH moved AS \(\s*UPDATE orders/)
  })

  it('gives every order a different number', async () => {
    const numbers = await sqlRows<{ number: string }>(shop, 'SELECT number FROM orders')
    expect(new Set(numbers.map((n) => n.number)).size).toBe(numbers.length)
  })
})

describe('checkout: refusals change nothing', () => {
  let buyer: Account
  beforeAll(async () => {
    buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { APPLES: 0.5, MILK: 1 })
  })

  const refusals: Array<[string, number, () => Promise<{ status: number; body: any }>]> = [
    ['anonymous', 401, () => shop.api.post('/api/checkout', { pickupPoint: 1, contact, paymentToken: 'tok_visa' })],
    ['no JSON content type', 400, () => shop.api.request('POST', '/api/checkout', { token: buyer.token, raw: 'pickupPoint=1' })],
    ['malformed JSON', 400, () => shop.api.request('POST', '/api/checkout', { token: buyer.token, raw: '{"pickupPoint":', headers: { 'Content-Type': 'application/json' } })],
    ['missing contact', 400, () => order(buyer, { contact: undefined })],
    ['blank first name', 400, () => order(buyer, { contact: { ...contact, firstName: '   ' } })],
    ['invalid phone', 400, () => order(buyer, { contact: { ...contact, phone: '12345' } })],
    ['phone of the wrong type', 400, () => order(buyer, { contact: { ...contact, phone: 79161234567 } })],
    ['missing payment token', 400, () => order(buyer, { paymentToken: '' })],
    ['pickup point as a string with SQL', 400, () => order(buyer, { pickupPoint: "1' OR 1=1--" })],
    ['pickup point out of range', 400, () => order(buyer, { pickupPoint: 2 ** 53 })],
    ['unknown pickup point', 404, () => order(buyer, { pickupPoint: 999_999 })],
    ['closed pickup point', 404, () => order(buyer, { pickupPoint: catalogue.stores.closed })],
    ['expected total that is not the current one', 409, () => order(buyer, { expectedTotal: 1 })],
    ['negative expected total', 400, () => order(buyer, { expectedTotal: -1 })],
    ['invalid Idempotency-Key', 400, () => order(buyer, {}, 'a key with spaces')],
  ]

  it.each(refusals)('%s → %i, nothing changed', async (_case, status, attempt) => {
    const before = await snapshot(shop)
    const res = await attempt()
    expect(res.status).toBe(status)
    expect(res.body.errors[0].message).toEqual(expect.any(String))
    expect(await snapshot(shop)).toEqual(before)
  })

  it('a changed total answers 409 with the current total', async () => {
    const res = await order(buyer, { expectedTotal: 1 })
    expect(res.status).toBe(409)
    expect(res.body.errors[0].data).toEqual({ total: 9995 + 8990, expectedTotal: 1 })
    expect(res.body).toMatchObject({ total: 9995 + 8990, currency: 'RUB' })
  })

  it('an empty cart → 400', async () => {
    const empty = await registerBuyer(shop)
    const before = await snapshot(shop)
    const res = await order(empty)
    expect(res.status).toBe(400)
    expect(res.body.errors[0].message).toMatch(/empty/)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('a line whose product was taken off sale → 409 naming it', async () => {
    const other = await registerBuyer(shop)
    await fillCart(shop, other, { MILK: 1, BREAD: 1 })
    await shop.api.patch('/api/products/BREAD', { active: false }, { token: admin.token })
    try {
      const before = await snapshot(shop)
      const res = await order(other)
      expect(res.status).toBe(409)
      expect(res.body.errors[0].data).toEqual({ unavailable: ['BREAD'] })
      expect(await snapshot(shop)).toEqual(before)
    } finally {
      await shop.api.patch('/api/products/BREAD', { active: true }, { token: admin.token })
    }
  })

  it('short stock → 409 with what is available, and not even the other lines are decremented', async () => {
    const greedy = await registerBuyer(shop)
    await fillCart(shop, greedy, { APPLES: 1, BREAD: 5, MILK: 11 })
    const before = await snapshot(shop)
    const res = await order(greedy)
    expect(res.status).toBe(409)
    expect(res.body.lines).toEqual([
      { sku: 'BREAD', requested: 5, available: expect.any(Number) },
      { sku: 'MILK', requested: 11, available: expect.any(Number) },
    ])
    const stock = await stockAt(shop, catalogue.stores.main)
    expect(res.body.lines.map((l: { available: number }) => String(l.available))).toEqual([stock.BREAD, stock.MILK])
    expect(await snapshot(shop)).toEqual(before)
  })
})

describe('checkout: payment outcomes', () => {
  it.each(['tok_chargeDeclined', 'tok_insufficientFunds', 'tok_unknown'])(
    '%s → 402, order cancelled, stock put back, cart kept',
    async (token) => {
      const buyer = await registerBuyer(shop)
      await fillCart(shop, buyer, { APPLES: 1.5 })
      const stockBefore = await stockAt(shop, catalogue.stores.main)
      const res = await order(buyer, { paymentToken: token })
      expect(res.status).toBe(402)
      expect(res.body.order).toMatchObject({ status: 'cancelled', number: expect.any(String) })
      expect(await stockAt(shop, catalogue.stores.main)).toEqual(stockBefore)
      expect((await shop.api.get('/api/cart', { token: buyer.token })).body.items).toEqual([
        expect.objectContaining({ sku: 'APPLES', quantity: 1.5 }),
      ])
      expect(await sqlRows(shop, 'SELECT status, payment_state FROM orders WHERE id = $1', [res.body.order.id])).toEqual([
        { status: 'cancelled', payment_state: 'declined' },
      ])
      // The buyer may try again at once, with another card.
      expect((await order(buyer)).status).toBe(201)
    },
  )

  it('tok_timeout → 504 with the order number; the order keeps its stock reserved, awaiting payment', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { MILK: 1 })
    const before = await stockAt(shop, catalogue.stores.main)
    const res = await order(buyer, { paymentToken: 'tok_timeout' })
    expect(res.status).toBe(504)
    expect(res.body.order).toMatchObject({ status: 'awaiting_payment', number: expect.any(String) })
    expect(await stockAt(shop, catalogue.stores.main)).toEqual({ ...before, MILK: String(Number(before.MILK) - 1) })
    expect((await shop.api.get('/api/cart', { token: buyer.token })).body.items).toHaveLength(1)
  })
})

describe('checkout: Idempotency-Key', () => {
  it('a retry with the same key replays the first answer, even after the cart was emptied: charged once, stock once', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { APPLES: 0.2 })
    const first = await order(buyer, {}, 'key-1')
    expect(first.status).toBe(201)
    const stockAfterFirst = await stockAt(shop, catalogue.stores.main)
    const again = await order(buyer, {}, 'key-1')
    expect(again.status).toBe(201)
    expect(again.body).toEqual(first.body)
    expect(await stockAt(shop, catalogue.stores.main)).toEqual(stockAfterFirst)
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM orders WHERE buyer_id = $1', [buyer.id])).toEqual([{ n: 1 }])
    expect(await chargesFor(first.body.order.id)).toHaveLength(1)
  })

  it('replays a decline as a decline', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { MILK: 1 })
    const first = await order(buyer, { paymentToken: 'tok_chargeDeclined' }, 'declined-1')
    const again = await order(buyer, { paymentToken: 'tok_chargeDeclined' }, 'declined-1')
    expect([first.status, again.status]).toEqual([402, 402])
    expect(again.body.order).toEqual(first.body.order)
  })

  it('a retry after "too slow to finish" (503, nothing charged) runs afresh with the same key: one order paid, stock once', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { MILK: 2 })
    const stockBefore = await stockAt(shop, catalogue.stores.main)
    const reserveMs = settingsOf(shop.payload).checkout.reserveMs
    settingsOf(shop.payload).checkout.reserveMs = 0 // no time left to charge: the checkout gives up before the gateway
    let slow
    try {
      slow = await order(buyer, {}, 'slow-1')
    } finally {
      settingsOf(shop.payload).checkout.reserveMs = reserveMs
    }
    expect(slow.status).toBe(503)
    expect(await stockAt(shop, catalogue.stores.main)).toEqual(stockBefore)
    const retry = await order(buyer, {}, 'slow-1')
    expect(retry.status).toBe(201)
    expect(retry.body.order.status).toBe('paid')
    const orders = await sqlRows<{ status: string }>(shop, 'SELECT status::text AS status FROM orders WHERE buyer_id = $1 ORDER BY id', [buyer.id])
    expect(orders.map((o) => o.status)).toEqual(['cancelled', 'paid'])
    expect(Number((await stockAt(shop, catalogue.stores.main)).MILK)).toBe(Number(stockBefore.MILK) - 2)
  })

  it('the same key with a different body → 422, nothing changed', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { MILK: 1 })
    expect((await order(buyer, {}, 'key-2')).status).toBe(201)
    await fillCart(shop, buyer, { MILK: 1 })
    const before = await snapshot(shop)
    const res = await order(buyer, { pickupPoint: catalogue.stores.other }, 'key-2')
    expect(res.status).toBe(422)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('a key whose claim expired, on another cart, is a new attempt: a new authorization of its own amount, never the old one (#17)', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { APPLES: 0.1 })
    const first = await order(buyer, {}, 'stale-key')
    expect(first.status).toBe(201)
    // 48 h later: the settlement job forgets the claim.
    await sqlRows(shop, `UPDATE checkout_requests SET created_at = now() - interval '49 hours' WHERE buyer_id = $1`, [buyer.id])
    const { settleOrders } = await import('../../src/shop/settlement')
    const { createLocalReq } = await import('payload')
    await settleOrders(await createLocalReq({}, shop.payload))
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM checkout_requests WHERE buyer_id = $1', [buyer.id])).toEqual([{ n: 0 }])

    await fillCart(shop, buyer, { APPLES: 0.3 })
    const second = await order(buyer, {}, 'stale-key')
    expect(second.status).toBe(201)
    expect(second.body.order.id).not.toBe(first.body.order.id)
    expect([first.body.order.total, second.body.order.total]).toEqual([1999, 5997])
    // Its own authorization, of its own amount; the first one untouched.
    expect(await chargesFor(second.body.order.id)).toEqual([{ status: 'approved', amount: String(second.body.order.authorized), captured: '0' }])
    expect(await chargesFor(first.body.order.id)).toEqual([{ status: 'approved', amount: String(first.body.order.authorized), captured: '0' }])
    const keys = await sqlRows<{ payment_key: string }>(shop, 'SELECT payment_key FROM orders WHERE buyer_id = $1', [buyer.id])
    expect(new Set(keys.map((k) => k.payment_key)).size).toBe(2)
  })

  it("another buyer's key is just a new key", async () => {
    const a = await registerBuyer(shop)
    const b = await registerBuyer(shop)
    await fillCart(shop, a, { BREAD: 1 })
    await fillCart(shop, b, { MILK: 1 })
    const first = await order(a, {}, 'shared-key')
    const second = await order(b, {}, 'shared-key')
    expect([first.status, second.status]).toEqual([201, 201])
    expect(second.body.order.number).not.toBe(first.body.order.number)
    expect(second.body.order.items[0].sku).toBe('MILK')
  })

  it('the same key while the first is still running → 409; so is a second checkout without a key', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { MILK: 1 })
    const slow = order(buyer, { paymentToken: 'tok_timeout' }, 'slow-key') // waits for the gateway timeout
    await waitForClaim(buyer)
    const sameKey = await order(buyer, { paymentToken: 'tok_timeout' }, 'slow-key')
    const noKey = await order(buyer)
    const otherKey = await order(buyer, {}, 'other-key')
    expect(sameKey.status).toBe(409)
    expect(noKey.status).toBe(409)
    expect(otherKey.status).toBe(409)
    expect((await slow).status).toBe(504)
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM orders WHERE buyer_id = $1', [buyer.id])).toEqual([{ n: 1 }])
    // Once it answered, a replay of the key answers from the order; the buyer's next checkout may run.
    expect((await order(buyer, { paymentToken: 'tok_timeout' }, 'slow-key')).status).toBe(504)
  })

  it('a slow gateway never leads to a second charge: retries while it waits are 409, one charge, one order', async () => {
    // Scaled down: the gateway takes 1.5 s, checkout waits up to 3 s for it, a reservation may take 0.3 s.
    // A claim then counts as abandoned only after 0.3 + 3 + 0.2 s; a fixed window shorter than the
    // gateway's answer (the old one-minute rule, scaled: 1 s) would let the retries charge again.
    const saved = { payment: { ...settingsOf(shop.payload).payment }, checkout: { ...settingsOf(shop.payload).checkout } }
    Object.assign(settingsOf(shop.payload).payment, { timeoutMs: 3000, stubLatencyMs: 1500 })
    Object.assign(settingsOf(shop.payload).checkout, checkoutBounds(300, 200))
    try {
      const buyer = await registerBuyer(shop)
      await fillCart(shop, buyer, { MILK: 1 })
      const first = order(buyer, {}, 'slow-gateway-1')
      await waitForClaim(buyer, 1100)
      const [otherKey, noKey] = [await order(buyer, {}, 'slow-gateway-2'), await order(buyer)]
      expect([otherKey.status, noKey.status]).toEqual([409, 409])
      expect((await first).status).toBe(201)
      const charges = await sqlRows(shop, 'SELECT idempotency_key FROM payment_stub_authorizations WHERE idempotency_key LIKE $1', [`co_${buyer.id}_%`])
      expect(charges).toHaveLength(1)
      expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM orders WHERE buyer_id = $1', [buyer.id])).toEqual([{ n: 1 }])
    } finally {
      Object.assign(settingsOf(shop.payload).payment, saved.payment)
      Object.assign(settingsOf(shop.payload).checkout, saved.checkout)
    }
  })

  it('a claim older than any live checkout can be is taken over: the buyer is not locked out', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { MILK: 1 })
    // A claim whose process died before it wrote an order, just past the window.
    await sqlRows(
      shop,
      `INSERT INTO checkout_requests (buyer_id, request_hash, state, started_at)
       VALUES ($1, 'x', 'running', now() - make_interval(secs => $2::float / 1000 + 1))`,
      [buyer.id, claimStaleAfterMs(settingsOf(shop.payload))],
    )
    expect((await order(buyer)).status).toBe(201)
    // One just inside the window still counts as running.
    const other = await registerBuyer(shop)
    await fillCart(shop, other, { MILK: 1 })
    await sqlRows(
      shop,
      `INSERT INTO checkout_requests (buyer_id, request_hash, state, started_at)
       VALUES ($1, 'x', 'running', now() - make_interval(secs => $2::float / 1000 - 5))`,
      [other.id, claimStaleAfterMs(settingsOf(shop.payload))],
    )
    expect((await order(other)).status).toBe(409)
  })

  it('without a key, two checkouts at once: one runs, the other is refused with 409', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { BREAD: 1 })
    const statuses = (await Promise.all([order(buyer), order(buyer)])).map((r) => r.status).sort()
    // Either they overlapped (201 + 409) or the second found an empty cart (201 + 400): never two orders.
    expect(statuses[0]).toBe(201)
    expect([400, 409]).toContain(statuses[1])
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM orders WHERE buyer_id = $1', [buyer.id])).toEqual([{ n: 1 }])
  })
})
