// Checkout across processes and crashes, against one real database: two server processes never oversell
// together, and a server killed with SIGKILL mid-checkout loses and double-counts nothing.
import { type ChildProcess, spawn } from 'node:child_process'
import crypto from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createLocalReq, getPayload, type Payload } from 'payload'
import pg from 'pg'

import { buildShopConfig } from '../../src/config'
import { freePort } from '../../src/db/embedded'
import { closePool } from '../../src/db/migrate'
import { closePaymentGateway } from '../../src/payments'
import { settleOrders } from '../../src/shop/settlement'
import { verifyStock } from '../../src/shop/stock'
import { contact } from '../helpers/fixtures'
import { createDatabaseFrom, dropDatabase, SERVER_ENV, TEMPLATE_ENV } from '../helpers/testDatabase'

const SECRET = crypto.randomBytes(32).toString('hex')
let database: { url: string; name: string }
let db: pg.Pool
const children: ChildProcess[] = []

beforeAll(async () => {
  database = await createDatabaseFrom(process.env[SERVER_ENV]!, process.env[TEMPLATE_ENV]!)
  db = new pg.Pool({ connectionString: database.url, max: 3 })
  await db.query(`INSERT INTO stores (id, name, address) VALUES (1, 'One', 'Street 1'), (2, 'Two', 'Street 2')`)
  await db.query(`INSERT INTO products (id, name, price, unit, quantity_step) VALUES
                  ('SOAP', 'Soap', 5000, 'pcs', 1), ('RICE', 'Rice', 12000, 'kg', 0.1), ('TEA', 'Tea', 30000, 'pcs', 1)`)
})
/** Stock rows as an admin makes them: each with its `initial` movement, so the ledger holds. */
const addStock = (rows: Array<[sku: string, store: number, onHand: number]>) =>
  db.query(
    `WITH s AS (INSERT INTO stock (product_id, store_id, on_hand)
                SELECT * FROM unnest($1::varchar[], $2::int[], $3::numeric[]) RETURNING id, product_id, store_id, on_hand)
     INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta)
     SELECT id, product_id, store_id, 'initial', on_hand, 0 FROM s`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
  )
const available = async (sku: string, store: number) =>
  (await db.query(`SELECT (on_hand - reserved)::text AS q FROM stock WHERE product_id = $1 AND store_id = $2`, [sku, store])).rows
const ledgerHolds = async () => expect(await verifyStock((text) => db.query(text))).toEqual([])

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  await db?.end()
  if (database) await dropDatabase(process.env[SERVER_ENV]!, database.name)
})

/** Starts a shop process on the test database. */
async function startServer(extraEnv: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/apiServer.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PAYLOAD_SECRET: SECRET,
      DATABASE_URL: database.url,
      PORT: String(port),
      AUTH_RATE_LIMIT: '0',
      DB_POOL_MAX: '10',
      MEDIA_DIR: process.env.MEDIA_DIR ?? '',
      MAIL_DIR: process.env.MAIL_DIR ?? '',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  await new Promise<void>((resolve, reject) => {
    let out = ''
    let settled = false
    child.stdout!.on('data', (d) => {
      out += d
      if (!settled && out.includes('READY')) {
        settled = true
        resolve()
      }
    })
    child.stderr!.on('data', (d) => (out += d))
    child.once('exit', (code) => {
      if (settled) return
      settled = true
      reject(new Error(`server exited with ${code}: ${out}`))
    })
  })
  return { url: `http://127.0.0.1:${port}`, child }
}

async function call(url: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

async function buyersWithCarts(url: string, n: number, items: Record<string, number>) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const email = `r-${crypto.randomBytes(5).toString('hex')}@example.com`
      const password = 'reliable password'
      expect((await call(url, 'POST', '/api/users', { email, password })).status).toBe(201)
      const token = (await call(url, 'POST', '/api/users/login', { email, password })).body.token as string
      for (const [sku, quantity] of Object.entries(items)) {
        expect((await call(url, 'POST', '/api/cart/items', { sku, quantity }, token)).status).toBe(200)
      }
      return token
    }),
  )
}

const stop = async (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill(signal)
  await exited
}

describe('reliability', () => {
  it('two server processes, 50 parallel checkouts for stock 10 split across them → exactly 10 paid, stock 0', async () => {
    await addStock([['SOAP', 1, 10]])
    const [a, b] = await Promise.all([startServer(), startServer()])
    try {
      const tokens = await buyersWithCarts(a.url, 50, { SOAP: 1 })
      const results = await Promise.all(
        tokens.map((token, i) =>
          call(i % 2 ? b.url : a.url, 'POST', '/api/checkout', { pickupPoint: 1, contact, paymentToken: 'tok_visa' }, token),
        ),
      )
      const statuses = results.map((r) => r.status)
      expect(statuses.filter((s) => s === 201)).toHaveLength(10)
      expect(statuses.filter((s) => s === 409)).toHaveLength(40)
      expect(await available('SOAP', 1)).toEqual([{ q: '0' }])
      await ledgerHolds()
      expect((await db.query(`SELECT count(*)::int AS n FROM orders WHERE status = 'paid'`)).rows).toEqual([{ n: 10 }])
    } finally {
      await Promise.all([stop(a.child), stop(b.child)])
    }
  }, 180_000)

  it('a server killed with SIGKILL between reservation and payment: after the settlement job, stock = initial − paid, nothing lost', async () => {
    await addStock([['RICE', 2, 50], ['TEA', 2, 20]])
    const initial = { RICE: 50, TEA: 20 }
    // Charges take 1.5 s: the kill lands after the reservations, before any payment answer.
    const victim = await startServer({ PAYMENT_STUB_LATENCY_MS: '1500', RESERVATION_TTL: '1s' })
    const tokens = await buyersWithCarts(victim.url, 12, { RICE: 1.5, TEA: 1 })
    const inFlight = tokens.map((token) =>
      call(victim.url, 'POST', '/api/checkout', { pickupPoint: 2, contact, paymentToken: 'tok_visa' }, token).catch(() => null),
    )
    // Wait until every checkout has reserved its stock (orders exist), then kill.
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM orders WHERE pickup_point_id = 2`)
      if (rows[0].n === 12) break
      await new Promise((r) => setTimeout(r, 50))
    }
    await stop(victim.child, 'SIGKILL')
    expect((await Promise.all(inFlight)).every((r) => r === null)).toBe(true) // nobody got an answer
    const reserved = await db.query(`SELECT status, count(*)::int AS n FROM orders WHERE pickup_point_id = 2 GROUP BY status`)
    expect(reserved.rows).toEqual([{ status: 'awaiting_payment', n: 12 }])

    // Started again; the settlement job (run here, as the scheduler would) finishes what the dead one left.
    const again = await startServer({ RESERVATION_TTL: '1s' })
    let settler: Payload | undefined
    try {
      // Until every reservation is older than RESERVATION_TTL (PostgreSQL's clock decides, as in the job).
      for (let i = 0; i < 300; i++) {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM orders WHERE pickup_point_id = 2 AND expires_at >= now()`)
        if (rows[0].n === 0) break
        await new Promise((r) => setTimeout(r, 20))
      }
      settler = await getPayload({ config: buildShopConfig({ databaseUrl: database.url, poolMax: 3, autoRunJobs: false }), key: 'settler' })
      await settleOrders(await createLocalReq({}, settler))
      await settleOrders(await createLocalReq({}, settler)) // a second run changes nothing
      const { rows } = await db.query(
        `SELECT s.product_id AS sku, (s.on_hand - s.reserved)::text AS stock,
                coalesce((SELECT sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id
                          WHERE l.product_id = s.product_id AND o.pickup_point_id = 2 AND o.status IN ('paid', 'collected')), 0)::text AS sold
         FROM stock s WHERE s.store_id = 2 ORDER BY s.product_id`,
      )
      for (const row of rows as Array<{ sku: 'RICE' | 'TEA'; stock: string; sold: string }>) {
        expect(Number(row.stock) + Number(row.sold)).toBe(initial[row.sku])
      }
      expect((await db.query(`SELECT count(*)::int AS n FROM orders WHERE pickup_point_id = 2 AND status = 'awaiting_payment'`)).rows).toEqual([{ n: 0 }])
      await ledgerHolds()
      // The buyers may check out again at once: their claims did not die with the process.
      const retry = await call(again.url, 'POST', '/api/checkout', { pickupPoint: 2, contact, paymentToken: 'tok_visa' }, tokens[0])
      expect(retry.status).toBe(201)
    } finally {
      if (settler) {
        await settler.destroy()
        await closePaymentGateway(settler)
        await closePool(settler)
      }
      await stop(again.child)
    }
  }, 180_000)

  it('SIGTERM while checkouts are charging: they finish (201, paid), new connections are refused, the process exits 0', async () => {
    // A pickup point of its own, so the orders counted are this test's.
    await db.query(`INSERT INTO stores (id, name, address) VALUES (3, 'Three', 'Street 3')`)
    await addStock([['SOAP', 3, 10]])
    const server = await startServer({ PAYMENT_STUB_LATENCY_MS: '1500' })
    const tokens = await buyersWithCarts(server.url, 3, { SOAP: 1 })
    const inFlight = tokens.map((token) =>
      call(server.url, 'POST', '/api/checkout', { pickupPoint: 3, contact, paymentToken: 'tok_visa' }, token),
    )
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM orders WHERE pickup_point_id = 3 AND status = 'awaiting_payment'`)
      if (rows[0].n === 3) break
      await new Promise((r) => setTimeout(r, 50))
    }
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)))
    server.child.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 200))
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow() // no longer listening
    const answers = await Promise.all(inFlight)
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201])
    expect(await exited).toBe(0)
    expect((await db.query(`SELECT status, count(*)::int AS n FROM orders WHERE pickup_point_id = 3 GROUP BY status`)).rows).toEqual([
      { status: 'paid', n: 3 },
    ])
    expect(await available('SOAP', 3)).toEqual([{ q: '7' }])
    await ledgerHolds()
  }, 120_000)
})
