// The scaled shape on one machine: two API-only web processes (SHOP_JOBS=off, TRUST_PROXY=1) and one worker
// on one database, photos in S3-compatible storage, a real nginx in front with the repo's proxy settings.
// Buyers are told apart by their own loopback source addresses (127.0.x.y), as nginx sees them.
import crypto from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import sharp from 'sharp'

import { freePort } from '../../src/db/embedded'
import { contact, stockDisagreements } from '../helpers/fixtures'
import { type Answer, call } from '../helpers/http'
import { startNginx, type Nginx } from '../helpers/nginx'
import { startObjectStorage, type ObjectStorage } from '../helpers/objectStorage'
import { createAdmin, roomInClockWindow, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'
import { spawnShopProcess, stopShopProcess, untilHealthy, type ShopProcess } from '../helpers/shopProcess'

const METRICS_TOKEN = crypto.randomBytes(16).toString('hex')
const LOGIN_LIMIT = 20

let shop: TestShop
let admin: Account
let storage: ObjectStorage
let nginx: Nginx
const webs: Array<ShopProcess & { base: string }> = []
let worker: ShopProcess
let store: { first: number; second: number }

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  const asAdmin = { token: admin.token }
  for (const product of [
    { id: 'SOAP', name: 'Soap', price: 5000, unit: 'pcs', quantityStep: 1 },
    { id: 'TEA', name: 'Tea', price: 30000, unit: 'pcs', quantityStep: 1 },
  ]) {
    expect((await shop.api.post('/api/products', product, asAdmin)).status).toBe(201)
  }
  const first = (await shop.api.post('/api/stores', { name: 'First', address: 'Street 1' }, asAdmin)).body.doc.id
  const second = (await shop.api.post('/api/stores', { name: 'Second', address: 'Street 2' }, asAdmin)).body.doc.id
  store = { first, second }
  expect((await shop.api.post('/api/stock', { product: 'SOAP', store: first, onHand: 10 }, asAdmin)).status).toBe(201)
  expect((await shop.api.post('/api/stock', { product: 'TEA', store: second, onHand: 20 }, asAdmin)).status).toBe(201)

  storage = await startObjectStorage()
  // Orders left awaiting their payment are the worker's after 5 s (the deadline is written at checkout).
  const common = { ...storage.envVars, DB_POOL_MAX: '8', METRICS_TOKEN, LOG_LEVEL: 'warn', RESERVATION_TTL: '5s', PAYMENT_TIMEOUT_MS: '2000' }
  for (let i = 0; i < 2; i++) {
    const port = await freePort()
    const web = spawnShopProcess('src/server.ts', shop.databaseUrl, {
      ...common,
      PORT: String(port),
      SHOP_ADMIN: 'off',
      SHOP_JOBS: 'off',
      TRUST_PROXY: '1',
      AUTH_RATE_LIMIT: String(LOGIN_LIMIT),
      // Charges take a moment, so a process killed mid-run has checkouts in flight.
      PAYMENT_STUB_LATENCY_MS: '700',
    })
    webs.push({ ...web, base: `http://127.0.0.1:${port}` })
  }
  const workerPort = await freePort()
  worker = spawnShopProcess('src/worker.ts', shop.databaseUrl, { ...common, WORKER_PORT: String(workerPort) })
  await Promise.all([...webs.map((w) => untilHealthy(w, `${w.base}/healthz`, 90_000)), untilHealthy(worker, `http://127.0.0.1:${workerPort}/healthz`, 90_000)])
  nginx = await startNginx(webs.map((w) => w.base.replace('http://', '')))
}, 180_000)

afterAll(async () => {
  await nginx?.stop()
  await Promise.all([...webs, ...(worker ? [worker] : [])].map((p) => stopShopProcess(p)))
  await storage?.close()
  await shop?.stop()
})

/** A buyer registered and logged in through nginx from an address of their own, with `items` in the cart. */
async function buyerAt(from: string, items: Record<string, number>) {
  const email = `b-${crypto.randomBytes(5).toString('hex')}@example.com`
  const password = `${crypto.randomBytes(12).toString('base64url')}-Kq7`
  const registered = await call(nginx.base, 'POST', '/api/users', { from, body: { email, password } })
  expect(registered.status).toBe(201)
  const token = (await call(nginx.base, 'POST', '/api/users/login', { from, body: { email, password } })).body.token as string
  for (const [sku, quantity] of Object.entries(items)) {
    expect((await call(nginx.base, 'POST', '/api/cart/items', { from, token, body: { sku, quantity } })).status).toBe(200)
  }
  return { from, email, password, token, id: registered.body.doc.id as number }
}

/** A counter's value in one process's /metrics (the process asked directly, not through nginx). */
async function metric(base: string, name: string, labels: Record<string, string>) {
  const text = (await call(base, 'GET', '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).body as string
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && wanted.every((w) => line.includes(w)))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0)
}

const paidOrders = async (storeId: number) =>
  (await sqlRows<{ n: number }>(shop, `SELECT count(*)::int AS n FROM orders WHERE pickup_point_id = $1 AND status = 'paid'`, [storeId]))[0]!.n

describe('two web processes and a worker behind nginx', () => {
  it('sells exactly 10 of a stock of 10 to 50 buyers checking out at once through both processes', async () => {
    const buyers = await Promise.all(Array.from({ length: 50 }, (_, i) => buyerAt(`127.0.1.${i + 1}`, { SOAP: 1 })))
    const answers = await Promise.all(
      buyers.map((b) =>
        call(nginx.base, 'POST', '/api/checkout', {
          from: b.from,
          token: b.token,
          headers: { 'Idempotency-Key': crypto.randomUUID() },
          body: { pickupPoint: store.first, contact, paymentToken: 'tok_visa' },
        }),
      ),
    )
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(10)
    expect(statuses.filter((s) => s === 409)).toHaveLength(40)
    expect(await paidOrders(store.first)).toBe(10)
    expect(await sqlRows(shop, `SELECT (on_hand - reserved)::text AS available FROM stock WHERE product_id = 'SOAP'`)).toEqual([{ available: '0' }])
    expect(await stockDisagreements(shop)).toEqual([])
    // nginx spread them: each process answered checkouts, and both counted some sales.
    const paidBy = await Promise.all(webs.map((w) => metric(w.base, 'shop_checkouts_total', { outcome: 'paid' })))
    expect(paidBy.reduce((a, b) => a + b, 0)).toBe(10)
    const answeredBy = await Promise.all(webs.map((w) => metric(w.base, 'shop_http_request_duration_seconds_count', { route: '/api/checkout' })))
    expect(answeredBy.every((n) => n > 0)).toBe(true)
    // Every answer carries the request id nginx gave it.
    expect(answers.every((a) => /^[0-9a-f]{32}$/.test(String(a.headers['x-request-id'])))).toBe(true)
  }, 120_000)

  it('serves a photo uploaded through one process from the other (object storage)', async () => {
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c0392b' } }).jpeg().toBuffer()
    const boundary = `----shop${crypto.randomBytes(8).toString('hex')}`
    const form = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_payload"\r\n\r\n{"alt":"Tomatoes"}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="tomatoes.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      photo,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const uploaded = await call(webs[0]!.base, 'POST', '/api/media', { token: admin.token, raw: { bytes: form, type: `multipart/form-data; boundary=${boundary}` } })
    expect(uploaded.status).toBe(201)
    const { url, filename } = uploaded.body.doc
    expect(await storage.keys()).toEqual(expect.arrayContaining([filename]))
    for (const base of [webs[1]!.base, nginx.base]) {
      const fetched = await call(base, 'GET', url)
      expect(fetched.status).toBe(200)
      expect(fetched.bytes.equals(photo)).toBe(true)
    }
  })

  it('counts the login limit per real client across both processes, whatever X-Forwarded-For a client sends', async () => {
    const owner = await buyerAt('127.0.0.3', {})
    // Fixed one-minute windows (the database's clock): start with room for every attempt in this one.
    await roomInClockWindow(shop, 20)
    const before = await Promise.all(webs.map((w) => metric(w.base, 'shop_http_request_duration_seconds_count', { route: '/api/users/login' })))

    const attacker = '127.0.0.2'
    const statuses: number[] = []
    for (let i = 0; i < LOGIN_LIMIT + 5; i++) {
      const guess = await call(nginx.base, 'POST', '/api/users/login', {
        from: attacker,
        headers: { 'X-Forwarded-For': `10.0.${i}.1` }, // a fresh "address" each time: must not help
        body: { email: `nobody-${i}@example.com`, password: 'wrong password 123' },
      })
      statuses.push(guess.status)
    }
    expect(statuses.slice(0, LOGIN_LIMIT).every((s) => s === 401)).toBe(true)
    expect(statuses.slice(LOGIN_LIMIT)).toEqual(Array(5).fill(429))
    // The attempts went to both processes, and still counted as one client's.
    const after = await Promise.all(webs.map((w) => metric(w.base, 'shop_http_request_duration_seconds_count', { route: '/api/users/login' })))
    expect(after.map((n, i) => n - before[i]!).every((n) => n >= 5)).toBe(true)
    // Another client, at the same minute, is not slowed down.
    const ownLogin = await call(nginx.base, 'POST', '/api/users/login', { from: owner.from, body: { email: owner.email, password: owner.password } })
    expect(ownLogin.status).toBe(200)
  }, 90_000)

  it('loses and doubles no order when a web process is killed mid-run; buyers retry with their Idempotency-Key', async () => {
    const buyers = await Promise.all(Array.from({ length: 30 }, (_, i) => buyerAt(`127.0.2.${i + 1}`, { TEA: 1 })))
    const finals = new Map<number, Answer>()
    let retries = 0
    const checkOut = async (b: (typeof buyers)[number]) => {
      const key = crypto.randomUUID()
      const deadline = Date.now() + 120_000
      for (;;) {
        const answer = await call(nginx.base, 'POST', '/api/checkout', {
          from: b.from,
          token: b.token,
          headers: { 'Idempotency-Key': key },
          body: { pickupPoint: store.second, contact, paymentToken: 'tok_visa' },
        }).catch(() => null)
        // No answer, the proxy's 503, a claim still running or a payment still pending: ask again, same key.
        const again =
          answer === null ||
          answer.status === 503 ||
          answer.status === 504 ||
          (answer.status === 409 && /still running/.test(answer.body?.errors?.[0]?.message ?? ''))
        if (!again) return finals.set(b.id, answer!)
        if (Date.now() > deadline) throw new Error(`buyer ${b.id} got no final answer: ${answer?.status} ${JSON.stringify(answer?.body)}`)
        retries++
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
    const running = Promise.all(buyers.map(checkOut))
    // Kill the first process once checkouts are between their reservation and their payment.
    for (let i = 0; i < 200; i++) {
      const [row] = await sqlRows<{ n: number }>(shop, `SELECT count(*)::int AS n FROM orders WHERE pickup_point_id = $1 AND status = 'awaiting_payment'`, [store.second])
      if (row!.n >= 4) break
      await new Promise((r) => setTimeout(r, 25))
    }
    await stopShopProcess(webs[0]!, 'SIGKILL')
    await running

    // The worker settles whatever the dead process left awaiting its payment (settlement runs every minute).
    const deadline = Date.now() + 100_000
    while ((await sqlRows(shop, `SELECT 1 FROM orders WHERE pickup_point_id = $1 AND status = 'awaiting_payment'`, [store.second])).length > 0) {
      if (Date.now() > deadline) throw new Error(`orders still awaiting payment:\n${JSON.stringify(await sqlRows(shop, `SELECT id, status, payment_state, expires_at, now() FROM orders WHERE pickup_point_id = $1 AND status = 'awaiting_payment'`, [store.second]))}\n${JSON.stringify(await sqlRows(shop, `SELECT task_slug, completed_at, has_error, processing, wait_until FROM payload_jobs ORDER BY id DESC LIMIT 8`))}\n${worker.output().slice(-3000)}`)
      await new Promise((r) => setTimeout(r, 500))
    }

    const answered = [...finals.values()]
    expect(answered).toHaveLength(30)
    const outOfStock = answered.filter((a) => a.status === 409)
    for (const a of outOfStock) expect(a.body.lines).toEqual([expect.objectContaining({ sku: 'TEA', requested: 1 })])
    const paidIds = answered.filter((a) => a.status === 201).map((a) => a.body.order.id as number).sort((a, b) => a - b)
    expect(answered.filter((a) => ![201, 402, 409].includes(a.status)).map((a) => [a.status, a.body])).toEqual([])

    const orders = await sqlRows<{ id: number; buyer_id: number; status: string; payment_state: string }>(
      shop,
      `SELECT id, buyer_id, status, payment_state FROM orders WHERE pickup_point_id = $1 ORDER BY id`,
      [store.second],
    )
    // Nothing doubled: at most one order per buyer, and one authorization per paid order.
    expect(new Set(orders.map((o) => o.buyer_id)).size).toBe(orders.length)
    // Nothing lost: every 201 is a paid order, and every paid order was answered 201 to its buyer.
    expect(orders.filter((o) => o.status === 'paid').map((o) => o.id)).toEqual(paidIds)
    expect(paidIds.length).toBeGreaterThan(0)
    const authorizations = await sqlRows<{ buyer: number; n: number }>(
      shop,
      `SELECT split_part(idempotency_key, '_', 2)::int AS buyer, count(*)::int AS n FROM payment_stub_authorizations
       WHERE status = 'approved' AND split_part(idempotency_key, '_', 2)::int = ANY ($1::int[]) GROUP BY 1`,
      [buyers.map((b) => b.id)],
    )
    expect(authorizations.filter((a) => a.n > 1)).toEqual([])
    const authorized = new Set(authorizations.map((a) => a.buyer))
    expect(orders.filter((o) => o.status === 'paid' && !authorized.has(o.buyer_id))).toEqual([])
    // Stock: what was sold is reserved for pickup, the rest is on sale again (what the dead process held
    // too, once settled); the ledger agrees.
    expect(await sqlRows(shop, `SELECT on_hand::text, reserved::text FROM stock WHERE product_id = 'TEA'`)).toEqual([{ on_hand: '20', reserved: String(paidIds.length) }])
    expect(await stockDisagreements(shop)).toEqual([])
    // The survivor and nginx go on serving.
    expect((await call(nginx.base, 'GET', '/api/products?limit=1')).status).toBe(200)
    console.log(`behind nginx, process killed: ${paidIds.length} paid, ${outOfStock.length} out of stock, ${answered.length - paidIds.length - outOfStock.length} declined, ${retries} retries`)
  }, 240_000)
})
