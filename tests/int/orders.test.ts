// Orders after checkout: who may read them (and which fields), the QR code, pickup in the shop, an admin's
// cancellation with refund, and the confirmation email.
import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createLocalReq } from 'payload'

import { env } from '../../src/env'
import { EMAIL_QUEUE, NOTIFICATION_ATTEMPTS, NOTIFICATION_TASK, sendDueNotifications } from '../../src/shop/emails'
import { pickupCodeFor } from '../../src/shop/pickupCode'
import { assemble, type Catalogue, contact, fillCart, paymentOf, readQr, seedCatalogue, snapshot, stockAt } from '../helpers/fixtures'
import { createAdmin, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'
import { decodeQuotedPrintable } from '../helpers/mail'

let shop: TestShop
let admin: Account
let catalogue: Catalogue
let buyer: Account
let stranger: Account
let paid: { id: number; number: string; pickupCode: string }

const placeOrder = async (who: Account, items: Record<string, number>, pickupPoint = catalogue.stores.main) => {
  await fillCart(shop, who, items)
  const res = await shop.api.post('/api/checkout', { pickupPoint, contact, paymentToken: 'tok_visa' }, { token: who.token })
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.order as { id: number; number: string; pickupCode: string }
}

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  catalogue = await seedCatalogue(shop, admin)
  // English-speaking buyers: the emails below are read in English (Russian ones: tests/int/accounts.test.ts).
  ;[buyer, stranger] = await Promise.all([registerBuyer(shop, { locale: 'en' }), registerBuyer(shop, { locale: 'en' })])
  paid = await placeOrder(buyer, { APPLES: 1.2, MILK: 1 })
})
afterAll(async () => {
  await shop?.stop()
})

describe('orders: reading', () => {
  it('the buyer reads their own order, with contact and pickup code', async () => {
    const res = await shop.api.get(`/api/orders/${paid.id}`, { token: buyer.token })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ number: paid.number, status: 'paid', pickupCode: paid.pickupCode, contact: { firstName: 'Анна', phone: '+79161234567' } })
    const list = await shop.api.get('/api/orders', { token: buyer.token })
    expect(list.body.docs.map((o: { id: number }) => o.id)).toEqual([paid.id])
  })

  it("another buyer's order does not exist for a buyer: by id, in lists, by filter", async () => {
    expect((await shop.api.get(`/api/orders/${paid.id}`, { token: stranger.token })).status).toBe(404)
    expect((await shop.api.get('/api/orders', { token: stranger.token })).body.docs).toEqual([])
    expect((await shop.api.get(`/api/orders?where[number][equals]=${paid.number}`, { token: stranger.token })).body.docs).toEqual([])
    expect((await shop.api.get('/api/order-lines', { token: stranger.token })).body.docs).toEqual([])
    expect((await shop.api.get('/api/order-lines', { token: buyer.token })).body.docs).toHaveLength(2)
  })

  it('anonymous visitors see no orders', async () => {
    expect((await shop.api.get(`/api/orders/${paid.id}`)).status).toBe(403)
    expect((await shop.api.get('/api/orders')).status).toBe(403)
  })

  it("an admin reads every order but never the buyer's name, phone or pickup code (detail, list, depth, select)", async () => {
    const detail = await shop.api.get(`/api/orders/${paid.id}?depth=2`, { token: admin.token })
    expect(detail.status).toBe(200)
    expect(detail.body.number).toBe(paid.number)
    const list = await shop.api.get('/api/orders?depth=1&select[contact]=true&select[pickupCode]=true', { token: admin.token })
    for (const doc of [detail.body, ...list.body.docs]) {
      const text = JSON.stringify(doc)
      expect(doc.contact).toBeUndefined()
      expect(doc.pickupCode).toBeUndefined()
      expect(doc.buyer).toBeUndefined() // who placed it is the buyer's business too
      expect(text).not.toContain('Анна')
      expect(text).not.toContain('Иванова')
      expect(text).not.toContain('79161234567')
      expect(text).not.toContain(buyer.email)
    }
  })

  it('filtering or sorting on contact fields is the same 400 for every value (no oracle)', async () => {
    const right = await shop.api.get('/api/orders?where[contact.phone][equals]=%2B79161234567', { token: admin.token })
    const wrong = await shop.api.get('/api/orders?where[contact.phone][equals]=%2B70000000000', { token: admin.token })
    const sorted = await shop.api.get('/api/orders?sort=contact.lastName', { token: admin.token })
    expect(right.status).toBe(wrong.status)
    expect(right.body).toEqual(wrong.body)
    expect(right.status).toBe(400) // refused, not filtered
    expect(sorted.status).toBe(400)
  })

  it('nobody creates, edits or deletes orders through the generic REST API', async () => {
    const before = await snapshot(shop)
    for (const token of [buyer.token, admin.token, undefined]) {
      const create = await shop.api.post('/api/orders', { number: 'AAAA-AAAA', buyer: buyer.id, pickupPoint: catalogue.stores.main, total: 1, currency: 'RUB', status: 'paid' }, { token })
      expect(create.status).toBe(403)
      expect((await shop.api.patch(`/api/orders/${paid.id}`, { status: 'collected' }, { token })).status).toBe(403)
      expect((await shop.api.delete(`/api/orders/${paid.id}`, { token })).status).toBe(403)
      expect((await shop.api.post('/api/order-lines', { order: paid.id, product: 'MILK', quantity: 100 }, { token })).status).toBe(403)
    }
    expect(await snapshot(shop)).toEqual(before)
  })

  it('a product or pickup point with orders cannot be deleted (409)', async () => {
    const milk = await shop.api.post('/api/products', { id: 'ONCE', name: 'Once', price: 100, unit: 'pcs' }, { token: admin.token })
    expect(milk.status).toBe(201)
    expect((await shop.api.delete('/api/products/APPLES', { token: admin.token })).status).toBe(409)
    expect((await shop.api.delete(`/api/stores/${catalogue.stores.main}`, { token: admin.token })).status).toBe(409)
    expect(await sqlRows(shop, "SELECT id FROM products WHERE id = 'APPLES'")).toHaveLength(1)
  })
})

describe('orders: QR code', () => {
  it('the owner gets a PNG whose content is exactly the pickup code', async () => {
    const res = await shop.api.request('GET', `/api/orders/${paid.id}/qr`, { token: buyer.token })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    const raw = await fetchBytes(`/api/orders/${paid.id}/qr`, buyer.token)
    expect(await readQr(raw)).toBe(paid.pickupCode)
  })

  it('anyone else gets 404 (another buyer, an admin), anonymous 401, a bad id 400', async () => {
    expect((await shop.api.get(`/api/orders/${paid.id}/qr`, { token: stranger.token })).status).toBe(404)
    expect((await shop.api.get(`/api/orders/${paid.id}/qr`, { token: admin.token })).status).toBe(404)
    expect((await shop.api.get(`/api/orders/${paid.id}/qr`)).status).toBe(401)
    expect((await shop.api.get(`/api/orders/abc/qr`, { token: buyer.token })).status).toBe(400)
    expect((await shop.api.get(`/api/orders/999999/qr`, { token: buyer.token })).status).toBe(404)
  })
})

async function fetchBytes(pathname: string, token: string) {
  const { handleEndpoints } = await import('payload')
  const response = await handleEndpoints({
    config: shop.payload.config,
    request: new Request(`http://localhost:3000${pathname}`, { headers: { Authorization: `Bearer ${token}` } }),
  })
  return Buffer.from(await response.arrayBuffer())
}

describe('pickup', () => {
  it('refuses buyers (403) and anonymous visitors (401), changing nothing', async () => {
    const before = await snapshot(shop)
    expect((await shop.api.post('/api/pickup', { code: paid.pickupCode }, { token: buyer.token })).status).toBe(403)
    expect((await shop.api.post('/api/pickup', { code: paid.pickupCode })).status).toBe(401)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('a forged or altered code → 400, changing nothing', async () => {
    const before = await snapshot(shop)
    const [number, signature] = paid.pickupCode.split('.')
    const otherNumber = number!.startsWith('A') ? `B${number!.slice(1)}` : `A${number!.slice(1)}`
    const forged = [
      `${otherNumber}.${signature}`, // another order, same signature
      `${number}.${signature!.slice(0, -1)}${signature!.endsWith('A') ? 'B' : 'A'}`, // one character changed
      pickupCodeFor(number!, 'another secret that is long enough to be a secret'),
      number!,
      `${paid.pickupCode}.extra`,
      "' OR 1=1--",
    ]
    for (const code of forged) {
      const res = await shop.api.post('/api/pickup', { code }, { token: admin.token })
      expect(res.status).toBe(400)
    }
    expect((await shop.api.post('/api/pickup', { code: 42 }, { token: admin.token })).status).toBe(400)
    expect(await snapshot(shop)).toEqual(before)
  })

  it("at another shop than the order's pickup point → 409 when the request names the shop", async () => {
    const before = await snapshot(shop)
    const res = await shop.api.post('/api/pickup', { code: paid.pickupCode, store: catalogue.stores.other }, { token: admin.token })
    expect(res.status).toBe(409)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('a paid order not assembled yet is not handed over (409), changing nothing', async () => {
    const before = await snapshot(shop)
    const res = await shop.api.post('/api/pickup', { code: paid.pickupCode }, { token: admin.token })
    expect(res.status).toBe(409)
    expect(res.body.errors[0].message).toMatch(/not assembled yet/)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('collects a ready order once (200, no private data), the second time → 409', async () => {
    expect((await assemble(shop, admin.token, paid.id)).status).toBe(200)
    const first = await shop.api.post('/api/pickup', { code: paid.pickupCode, store: catalogue.stores.main }, { token: admin.token })
    expect(first.status).toBe(200)
    expect(first.body.order).toMatchObject({ number: paid.number, status: 'collected' })
    expect(first.body.order.pickupCode).toBeUndefined()
    expect(JSON.stringify(first.body)).not.toMatch(/Анна|Иванова|79161234567/)
    const before = await snapshot(shop)
    const second = await shop.api.post('/api/pickup', { code: paid.pickupCode }, { token: admin.token })
    expect(second.status).toBe(409)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('the same code at two counters at once: one hand-over, the other 409', async () => {
    const order = await placeOrder(await registerBuyer(shop), { BREAD: 1 })
    expect((await assemble(shop, admin.token, order.id)).status).toBe(200)
    const answers = await Promise.all([1, 2].map(() => shop.api.post('/api/pickup', { code: order.pickupCode }, { token: admin.token })))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
    expect(await sqlRows(shop, 'SELECT status, collected_at IS NOT NULL AS collected FROM orders WHERE id = $1', [order.id])).toEqual([
      { status: 'collected', collected: true },
    ])
  })

  it('an order that is not paid cannot be collected (409)', async () => {
    const declinedBuyer = await registerBuyer(shop)
    await fillCart(shop, declinedBuyer, { BREAD: 1 })
    const declined = await shop.api.post('/api/checkout', { pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_chargeDeclined' }, { token: declinedBuyer.token })
    expect(declined.status).toBe(402)
    const res = await shop.api.post('/api/pickup', { code: pickupCodeFor(declined.body.order.number) }, { token: admin.token })
    expect(res.status).toBe(409)
  })
})

describe('an admin cancels a paid order', () => {
  it('puts its stock back and releases the hold; cancelling again → 409; other buyers may not', async () => {
    const order = await placeOrder(buyer, { APPLES: 0.7 }, catalogue.stores.other)
    const stockBefore = await stockAt(shop, catalogue.stores.other)
    expect((await shop.api.post(`/api/orders/${order.id}/cancel`, {}, { token: stranger.token })).status).toBe(404)
    expect((await shop.api.post(`/api/orders/${order.id}/cancel`, {})).status).toBe(401)
    expect(await stockAt(shop, catalogue.stores.other)).toEqual(stockBefore)

    const res = await shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'never collected' }, { token: admin.token })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ order: { status: 'cancelled' }, payment: 'voided' })
    expect(JSON.stringify(res.body)).not.toMatch(/Анна|79161234567/)
    const stockAfter = await stockAt(shop, catalogue.stores.other)
    expect(stockAfter).toEqual({ ...stockBefore, APPLES: expect.any(String) })
    expect(Number(stockAfter.APPLES).toFixed(3)).toBe((Number(stockBefore.APPLES) + 0.7).toFixed(3))
    const payment = await paymentOf(shop, order.id)
    expect(payment).toMatchObject({ captured: '0', refunded: '0' })
    expect(payment!.voided).toBe(payment!.authorized)

    const before = await snapshot(shop)
    expect((await shop.api.post(`/api/orders/${order.id}/cancel`, {}, { token: admin.token })).status).toBe(409)
    expect((await shop.api.post(`/api/orders/999999/cancel`, {}, { token: admin.token })).status).toBe(404)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('a collected order cannot be cancelled (409)', async () => {
    const res = await shop.api.post(`/api/orders/${paid.id}/cancel`, {}, { token: admin.token })
    expect(res.status).toBe(409)
    expect(await sqlRows(shop, 'SELECT status FROM orders WHERE id = $1', [paid.id])).toEqual([{ status: 'collected' }])
  })
})

describe('confirmation email', () => {
  const files = () => (fs.existsSync(env.mail.dir) ? fs.readdirSync(env.mail.dir).filter((f) => f.endsWith('.eml')) : [])
  const mailsAbout = (number: string) =>
    files()
      .map((f) => decodeQuotedPrintable(fs.readFileSync(path.join(env.mail.dir, f), 'utf8')))
      .filter((m) => m.includes(`Subject: Your 100am shop order ${number}`))
  const outbox = (id: number) =>
    sqlRows<{ sent: boolean; attempts: number; leased: boolean }>(
      shop,
      `SELECT sent_at IS NOT NULL AS sent, attempts, coalesce(next_at > now(), false) AS leased
       FROM order_notifications WHERE order_id = $1 AND kind = 'confirmation'`,
      [id],
    ).then((r) => r[0])
  const sendDue = async () => sendDueNotifications(await createLocalReq({}, shop.payload))
  const lease = (id: number, to: string) => sqlRows(shop, `UPDATE order_notifications SET next_at = ${to} WHERE order_id = $1`, [id])

  it('is due once checkout is paid, and the scheduled job sends it: number, pickup point, the QR code attached', async () => {
    const order = await placeOrder(stranger, { MILK: 2 })
    expect(await outbox(order.id)).toEqual({ sent: false, attempts: 0, leased: false })
    expect(mailsAbout(order.number)).toEqual([])
    // What the scheduler does every 10 s: queue the task on the email queue, then run the queue.
    await shop.payload.jobs.queue({ task: NOTIFICATION_TASK, queue: EMAIL_QUEUE, input: {} })
    await shop.payload.jobs.run({ queue: EMAIL_QUEUE })
    const mails = mailsAbout(order.number)
    expect(mails).toHaveLength(1)
    expect(mails[0]).toContain(`To: ${stranger.email}`)
    expect(mails[0]).toContain(`filename=order-${order.number}.png`)
    expect(mails[0]).toContain('Content-Type: image/png')
    expect(await outbox(order.id)).toMatchObject({ sent: true, attempts: 1 })
    // Sent is sent: later runs leave it alone.
    expect(await sendDue()).toEqual({ sent: 0, skipped: 0, failed: 0 })
    expect(mailsAbout(order.number)).toHaveLength(1)
  })

  it('two senders at once (two processes) send each email exactly once', async () => {
    const orders = [await placeOrder(stranger, { MILK: 1 }), await placeOrder(buyer, { MILK: 1 })]
    const reports = await Promise.all([sendDue(), sendDue(), sendDue()])
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(2)
    for (const order of orders) {
      expect(mailsAbout(order.number)).toHaveLength(1)
      expect(await outbox(order.id)).toMatchObject({ sent: true, attempts: 1 })
    }
  })

  it('a run stops when its time budget is spent, after at least one email; the next run sends the rest', async () => {
    const orders = [await placeOrder(stranger, { MILK: 1 }), await placeOrder(buyer, { MILK: 1 }), await placeOrder(stranger, { MILK: 1 })]
    expect(await sendDueNotifications(await createLocalReq({}, shop.payload), { budgetMs: 0 })).toEqual({ sent: 1, skipped: 0, failed: 0 })
    expect(await sendDue()).toEqual({ sent: 2, skipped: 0, failed: 0 })
    for (const order of orders) expect(mailsAbout(order.number)).toHaveLength(1)
  })

  it('a failed send is retried when its lease runs out, not before; a cancelled order gets its cancellation only', async () => {
    const order = await placeOrder(stranger, { MILK: 1 })
    const sendEmail = shop.payload.sendEmail
    shop.payload.sendEmail = async () => {
      throw new Error('mail server refused the connection')
    }
    try {
      expect(await sendDue()).toEqual({ sent: 0, skipped: 0, failed: 1 })
    } finally {
      shop.payload.sendEmail = sendEmail
    }
    expect(await outbox(order.id)).toEqual({ sent: false, attempts: 1, leased: true })
    expect(await sendDue()).toEqual({ sent: 0, skipped: 0, failed: 0 }) // still leased: the back-off holds
    await lease(order.id, "now() - interval '1 second'")
    expect(await sendDue()).toEqual({ sent: 1, skipped: 0, failed: 0 })
    expect(mailsAbout(order.number)).toHaveLength(1)
    expect(await outbox(order.id)).toMatchObject({ sent: true, attempts: 2 })

    // Paid, then cancelled by the shop before its confirmation went out: only the cancellation is sent.
    const cancelled = await placeOrder(stranger, { MILK: 1 })
    expect((await shop.api.post(`/api/orders/${cancelled.id}/cancel`, {}, { token: admin.token })).status).toBe(200)
    expect(await sendDue()).toEqual({ sent: 1, skipped: 1, failed: 0 })
    const mails = mailsAbout(cancelled.number)
    expect(mails).toHaveLength(1)
    expect(mails[0]).toContain(`Subject: Your 100am shop order ${cancelled.number} is cancelled`)
    expect(mails[0]).toMatch(/released; nothing was charged/)
  })

  it('gives up after its last attempt fails, and says so in the log', async () => {
    const order = await placeOrder(stranger, { MILK: 1 })
    await sqlRows(shop, "UPDATE order_notifications SET attempts = $2 WHERE order_id = $1 AND kind = 'confirmation'", [order.id, NOTIFICATION_ATTEMPTS - 1])
    const { sendEmail } = shop.payload
    const logError = shop.payload.logger.error
    const errors: string[] = []
    shop.payload.sendEmail = async () => {
      throw new Error('mail server refused the connection')
    }
    shop.payload.logger.error = ((message: unknown) => void errors.push(String(message))) as typeof logError
    try {
      expect(await sendDue()).toEqual({ sent: 0, skipped: 0, failed: 1 })
    } finally {
      shop.payload.sendEmail = sendEmail
      shop.payload.logger.error = logError
    }
    expect(errors).toEqual([expect.stringMatching(new RegExp(`order ${order.id} failed \\(attempt ${NOTIFICATION_ATTEMPTS} of ${NOTIFICATION_ATTEMPTS}, giving up\\)`))])
    // Its lease runs out, and still nothing is sent: it was the last attempt.
    await lease(order.id, "now() - interval '1 second'")
    expect(await sendDue()).toEqual({ sent: 0, skipped: 0, failed: 0 })
    expect(mailsAbout(order.number)).toEqual([])
    expect(await outbox(order.id)).toEqual({ sent: false, attempts: NOTIFICATION_ATTEMPTS, leased: false })
  })
})
