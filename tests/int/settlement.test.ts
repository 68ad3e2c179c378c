// The settlement job: orders left awaiting payment (gateway timeout, a process that died mid-checkout)
// are settled by asking the gateway; late charges and due refunds are refunded; two runs at once act once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { getPayload } from 'payload'

import { buildShopConfig } from '../../src/config'
import { closePool } from '../../src/db/migrate'
import { dropAbandonedJobs, SETTLEMENT_QUEUE, SETTLEMENT_TASK } from '../../src/jobs'
import { EMAIL_QUEUE, NOTIFICATION_TASK } from '../../src/shop/emails'
import { settleOrders } from '../../src/shop/settlement'
import { settingsOf } from '../../src/settings'
import { type Catalogue, contact, fillCart, paymentOf, seedCatalogue, stockAt } from '../helpers/fixtures'
import { createAdmin, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'
import { createLocalReq } from 'payload'

let shop: TestShop
let admin: Account
let catalogue: Catalogue

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  catalogue = await seedCatalogue(shop, admin)
  settingsOf(shop.payload).payment.timeoutMs = 200
})
afterAll(async () => {
  await shop?.stop()
})

const settle = async () => settleOrders(await createLocalReq({}, shop.payload))

/** Time passes: every reservation is now older than RESERVATION_TTL. */
const expireReservations = () => sqlRows(shop, "UPDATE orders SET expires_at = now() - interval '1 second' WHERE status = 'awaiting_payment'")

const orderRow = (id: number) =>
  sqlRows<{ status: string; payment_state: string }>(shop, 'SELECT status, payment_state FROM orders WHERE id = $1', [id]).then((r) => r[0])

async function timedOutOrder(token: 'tok_timeout' | 'tok_timeoutAfterCharge', items: Record<string, number> = { MILK: 2 }) {
  const buyer = await registerBuyer(shop)
  await fillCart(shop, buyer, items)
  const res = await shop.api.post('/api/checkout', { pickupPoint: catalogue.stores.main, contact, paymentToken: token }, { token: buyer.token })
  expect(res.status).toBe(504)
  return { buyer, order: res.body.order as { id: number; number: string } }
}

describe('settlement job', () => {
  it('leaves reservations alone until RESERVATION_TTL has passed', async () => {
    const { order } = await timedOutOrder('tok_timeout')
    expect(await settle()).toEqual({ paid: 0, cancelled: 0, ready: 0, released: 0, refunded: 0, expired: 0 })
    expect(await orderRow(order.id)).toEqual({ status: 'awaiting_payment', payment_state: 'pending' })
    await expireReservations()
    await settle() // leave the shop clean for the next tests
  })

  it('an authorization of another amount under the order key never makes it paid: cancelled, the hold released (#17)', async () => {
    const stockBefore = await stockAt(shop, catalogue.stores.main)
    const { order } = await timedOutOrder('tok_timeout')
    const [{ payment_key: key }] = await sqlRows<{ payment_key: string }>(shop, 'SELECT payment_key FROM orders WHERE id = $1', [order.id])
    // The gateway holds 1 kopeck under this order's key (as if it answered for something else).
    await sqlRows(
      shop,
      `INSERT INTO payment_stub_authorizations (idempotency_key, token, amount, currency, status, authorization_id) VALUES ($1, 'tok_visa', 1, 'RUB', 'approved', 'auth_other_amount')`,
      [key],
    )
    await expireReservations()
    await settle()
    expect(await orderRow(order.id)).toEqual({ status: 'cancelled', payment_state: 'voided' })
    expect(await stockAt(shop, catalogue.stores.main)).toEqual(stockBefore)
    expect(await sqlRows(shop, `SELECT voided::text FROM payment_stub_authorizations WHERE idempotency_key = $1`, [key])).toEqual([{ voided: '1' }])
  })

  it('no charge at the gateway: cancels the order and puts its stock back, once', async () => {
    const stockBefore = await stockAt(shop, catalogue.stores.main)
    const { order, buyer } = await timedOutOrder('tok_timeout')
    expect(Number((await stockAt(shop, catalogue.stores.main)).MILK)).toBe(Number(stockBefore.MILK) - 2)
    await expireReservations()
    // Two processes run the job at the same moment: the stock comes back once.
    const reports = await Promise.all([settle(), settle()])
    expect(reports.reduce((n, r) => n + r.cancelled, 0)).toBe(1)
    expect(await orderRow(order.id)).toEqual({ status: 'cancelled', payment_state: 'unknown' })
    expect(await stockAt(shop, catalogue.stores.main)).toEqual(stockBefore)
    // The buyer's cart is still there, to try again.
    expect((await shop.api.get('/api/cart', { token: buyer.token })).body.items).toHaveLength(1)
  })

  it('held but the answer was lost: marks the order paid (authorized), empties the cart, makes the email due', async () => {
    const stockBefore = await stockAt(shop, catalogue.stores.main)
    const { order, buyer } = await timedOutOrder('tok_timeoutAfterCharge', { BREAD: 3 })
    await expireReservations()
    const reports = await Promise.all([settle(), settle()])
    expect(reports.reduce((n, r) => n + r.paid, 0)).toBe(1)
    expect(await orderRow(order.id)).toEqual({ status: 'paid', payment_state: 'authorized' })
    expect(Number((await stockAt(shop, catalogue.stores.main)).BREAD)).toBe(Number(stockBefore.BREAD) - 3)
    expect((await shop.api.get('/api/cart', { token: buyer.token })).body.items).toEqual([])
    // Its confirmation email is now due (the outbox), once.
    expect(await sqlRows(shop, 'SELECT kind, sent_at, attempts FROM order_notifications WHERE order_id = $1', [order.id])).toEqual([
      { kind: 'confirmation', sent_at: null, attempts: 0 },
    ])
    // A replay of the checkout now tells the buyer it is paid.
    const view = await shop.api.get(`/api/orders/${order.id}`, { token: buyer.token })
    expect(view.body.status).toBe('paid')
  })

  it('a hold that turns up for an order already cancelled is released', async () => {
    const { order } = await timedOutOrder('tok_timeout')
    await expireReservations()
    await settle()
    expect(await orderRow(order.id)).toEqual({ status: 'cancelled', payment_state: 'unknown' })
    // The authorization shows up at the gateway afterwards (the provider processed it late).
    await sqlRows(
      shop,
      `INSERT INTO payment_stub_authorizations (idempotency_key, token, amount, currency, status, authorization_id)
       SELECT payment_key, 'tok_visa', authorized, currency, 'approved', 'auth_late_' || id FROM orders WHERE id = $1`,
      [order.id],
    )
    const reports = await Promise.all([settle(), settle()])
    expect(reports.reduce((n, r) => n + r.released, 0)).toBe(1)
    expect(await orderRow(order.id)).toEqual({ status: 'cancelled', payment_state: 'voided' })
    const payment = await paymentOf(shop, order.id)
    expect(payment).toMatchObject({ captured: '0', refunded: '0' })
    expect(payment!.voided).toBe(payment!.authorized)
  })

  it('the authorization answers after the job cancelled the order: checkout releases it, the stock comes back once', async () => {
    const saved = { latency: settingsOf(shop.payload).payment.stubLatencyMs, timeout: settingsOf(shop.payload).payment.timeoutMs, ttl: settingsOf(shop.payload).reservationTtlMs }
    // The gateway takes 0.8 s to charge; the reservation expires at once, so the job decides meanwhile.
    Object.assign(settingsOf(shop.payload).payment, { stubLatencyMs: 800, timeoutMs: 5000 })
    settingsOf(shop.payload).reservationTtlMs = 1
    try {
      const buyer = await registerBuyer(shop)
      await fillCart(shop, buyer, { BREAD: 2 })
      const stockBefore = await stockAt(shop, catalogue.stores.main)
      const answer = shop.api.post('/api/checkout', { pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_visa' }, { token: buyer.token })
      let orderId: number | undefined
      for (let i = 0; i < 200 && orderId === undefined; i++) {
        orderId = (await sqlRows<{ id: number }>(shop, "SELECT id FROM orders WHERE buyer_id = $1 AND expires_at < now()", [buyer.id]))[0]?.id
        if (orderId === undefined) await new Promise((r) => setTimeout(r, 10))
      }
      expect(await settle()).toMatchObject({ cancelled: 1 }) // no charge at the gateway yet
      const res = await answer
      expect(res.status).toBe(402)
      expect(res.body.order).toMatchObject({ id: orderId, status: 'cancelled' })
      expect(await orderRow(orderId!)).toEqual({ status: 'cancelled', payment_state: 'voided' })
      const payment = await paymentOf(shop, orderId!)
      expect(payment).toMatchObject({ status: 'approved', captured: '0', refunded: '0' })
      expect(payment!.voided).toBe(payment!.authorized)
      expect(await stockAt(shop, catalogue.stores.main)).toEqual(stockBefore)
      // Nothing was bought: the cart is as it was, and the claim is finished (a retry runs afresh).
      expect((await shop.api.get('/api/cart', { token: buyer.token })).body.items).toMatchObject([{ sku: 'BREAD', quantity: 2 }])
      expect(await sqlRows(shop, 'SELECT 1 FROM checkout_requests WHERE buyer_id = $1', [buyer.id])).toEqual([])
    } finally {
      Object.assign(settingsOf(shop.payload).payment, { stubLatencyMs: saved.latency, timeoutMs: saved.timeout })
      settingsOf(shop.payload).reservationTtlMs = saved.ttl
    }
  })

  it('an admin cancels while the job settles the same order: one decision each way, stock back once, hold released', async () => {
    const stockBefore = await stockAt(shop, catalogue.stores.main)
    const { order } = await timedOutOrder('tok_timeoutAfterCharge', { MILK: 1 }) // held, answer lost
    await expireReservations()
    const [cancel] = await Promise.all([
      shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'buyer called' }, { token: admin.token }),
      settle(),
    ])
    expect([200, 409]).toContain(cancel.status)
    // Whatever won, another run leaves the order cancelled (an admin asked), the hold released, its stock
    // back once.
    if (cancel.status === 409) expect((await shop.api.post(`/api/orders/${order.id}/cancel`, {}, { token: admin.token })).status).toBe(200)
    await settle()
    expect(await orderRow(order.id)).toEqual({ status: 'cancelled', payment_state: 'voided' })
    expect(await stockAt(shop, catalogue.stores.main)).toEqual(stockBefore)
    const payment = await paymentOf(shop, order.id)
    expect(payment).toMatchObject({ captured: '0', refunded: '0' })
    expect(payment!.voided).toBe(payment!.authorized)
  })

  it('finishes an order left behind by a process that died between reservation and payment', async () => {
    const buyer = await registerBuyer(shop)
    const stockBefore = await stockAt(shop, catalogue.stores.main)
    // What a crash leaves: stock reserved (with its movement), an order awaiting payment, a claim still "running".
    const [{ id }] = await sqlRows<{ id: number }>(
      shop,
      `WITH o AS (INSERT INTO orders (number, buyer_id, status, pickup_point_id, total, authorized, currency, contact_first_name,
                    contact_last_name, contact_phone, payment_state, payment_key, expires_at)
                  VALUES ('CRSH-2222', $2, 'awaiting_payment', $1, 8990, 8990, 'RUB', 'A', 'B', '+79161234567', 'pending', 'crash-key', now() - interval '1 minute')
                  RETURNING id),
            l AS (INSERT INTO order_lines (order_id, product_id, name, unit, quantity, unit_price, line_total)
                  SELECT id, 'MILK', 'Milk', 'pcs', 1, 8990, 8990 FROM o),
            s AS (UPDATE stock SET reserved = reserved + 1 WHERE product_id = 'MILK' AND store_id = $1 RETURNING id, product_id, store_id),
            m AS (INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta, order_id)
                  SELECT s.id, s.product_id, s.store_id, 'reservation', 0, 1, o.id FROM s, o)
       SELECT id FROM o`,
      [catalogue.stores.main, buyer.id],
    )
    await sqlRows(shop, "INSERT INTO checkout_requests (buyer_id, request_hash, state, order_id, started_at) VALUES ($1, 'x', 'running', $2, now() - interval '1 hour')", [buyer.id, id])
    await settle()
    expect(await orderRow(id)).toEqual({ status: 'cancelled', payment_state: 'unknown' })
    expect(await stockAt(shop, catalogue.stores.main)).toEqual(stockBefore)
    // The dead claim does not block the buyer's next checkout.
    await fillCart(shop, buyer, { MILK: 1 })
    expect((await shop.api.post('/api/checkout', { pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_visa' }, { token: buyer.token })).status).toBe(201)
  })

  it("runs through Payload's jobs queue, and the server's config schedules it every minute", async () => {
    await shop.payload.jobs.queue({ task: SETTLEMENT_TASK, input: {}, queue: SETTLEMENT_QUEUE })
    const result = await shop.payload.jobs.run({ queue: SETTLEMENT_QUEUE })
    expect(Object.values(result.jobStatus ?? {})).toEqual([expect.objectContaining({ status: 'success' })])

    const config = await buildShopConfig({ databaseUrl: shop.databaseUrl, poolMax: 2, autoRunJobs: true })
    expect(config.jobs.autoRun).toEqual(expect.arrayContaining([expect.objectContaining({ queue: SETTLEMENT_QUEUE })]))
    const task = config.jobs.tasks?.find((t) => t.slug === SETTLEMENT_TASK)
    expect(task?.schedule).toEqual([expect.objectContaining({ queue: SETTLEMENT_QUEUE })])
    // Started with crons (as the server boots), the instance has its scheduler running.
    const server = await getPayload({ config, key: 'settlement-cron', cron: true })
    try {
      expect(server.crons.length).toBeGreaterThan(0)
    } finally {
      await server.destroy()
      await closePool(server)
    }
  })

  it('a job left running by a process that died is dropped after 15 min, so the schedule is not blocked for good', async () => {
    await sqlRows(shop, 'DELETE FROM payload_jobs')
    const queue = (task: typeof SETTLEMENT_TASK | typeof NOTIFICATION_TASK, q: string) =>
      shop.payload.jobs.queue({ task, input: {}, queue: q, meta: { scheduled: true } }).then((job) => Number(job.id))
    const abandoned = await queue(SETTLEMENT_TASK, SETTLEMENT_QUEUE)
    const abandonedEmails = await queue(NOTIFICATION_TASK, EMAIL_QUEUE)
    const runningNow = await queue(SETTLEMENT_TASK, SETTLEMENT_QUEUE)
    const waiting = await queue(NOTIFICATION_TASK, EMAIL_QUEUE)
    await sqlRows(shop, "UPDATE payload_jobs SET processing = true, updated_at = now() - interval '16 minutes' WHERE id = ANY($1)", [[abandoned, abandonedEmails]])
    await sqlRows(shop, "UPDATE payload_jobs SET processing = true, updated_at = now() - interval '1 minute' WHERE id = $1", [runningNow])
    await sqlRows(shop, "UPDATE payload_jobs SET updated_at = now() - interval '1 hour' WHERE id = $1", [waiting])

    expect(await dropAbandonedJobs(shop.payload)).toBe(2)
    const left = await sqlRows<{ id: number }>(shop, 'SELECT id FROM payload_jobs ORDER BY id')
    expect(left.map((j) => j.id)).toEqual([runningNow, waiting])
    expect(await dropAbandonedJobs(shop.payload)).toBe(0)
    await sqlRows(shop, 'DELETE FROM payload_jobs')
  })
})
