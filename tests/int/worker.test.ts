// `npm run worker` (src/worker.ts): the scheduled work without the public HTTP server. Two workers on one
// database, at once: orders left awaiting their payment are settled once (at start), every due email is
// sent once (at start, then on the 10 s schedule), each worker answers its health check and fails no run,
// and both stop cleanly on SIGTERM.
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { freePort } from '../../src/db/embedded'
import { contact, fillCart, seedCatalogue, stockDisagreements, type Catalogue } from '../helpers/fixtures'
import { createAdmin, registerBuyer, sqlRows, startTestShop, type TestShop } from '../helpers/shop'
import { spawnShopProcess } from '../helpers/shopProcess'

let shop: TestShop
let catalogue: Catalogue
let mailDir: string
const workers: Array<{ child: ChildProcess; port: number; output: () => string }> = []

beforeAll(async () => {
  shop = await startTestShop()
  catalogue = await seedCatalogue(shop, await createAdmin(shop))
  mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-worker-mail-'))
})
afterAll(async () => {
  for (const { child } of workers) if (child.exitCode === null) child.kill('SIGKILL')
  await shop?.stop()
  fs.rmSync(mailDir, { recursive: true, force: true })
})

async function startWorker(): Promise<(typeof workers)[number]> {
  const port = await freePort()
  const { child, output } = spawnShopProcess('src/worker.ts', shop.databaseUrl, {
    WORKER_PORT: String(port),
    DB_POOL_MAX: '5',
    MEDIA_DIR: path.join(mailDir, 'media'),
    MAIL_DIR: mailDir,
  })
  const worker = { child, port, output }
  workers.push(worker)
  return worker
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.\n${workers.map((w) => w.output().slice(-2000)).join('\n---\n')}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

const health = async (port: number) => {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`)
  return res.status === 200 ? ((await res.json()) as Record<string, string>) : undefined
}

/** A buyer's checkout of one kilo of apples: the order's id (paid with tok_visa; 504 with tok_timeout). */
async function placeOrder(token: 'tok_visa' | 'tok_timeout'): Promise<number> {
  const buyer = await registerBuyer(shop)
  await fillCart(shop, buyer, { APPLES: 1 })
  const res = await shop.api.post('/api/checkout', { pickupPoint: catalogue.stores.main, contact, paymentToken: token }, { token: buyer.token })
  expect(res.status).toBe(token === 'tok_visa' ? 201 : 504)
  return res.body.order.id
}

describe('the worker', () => {
  it('two workers at once: each order settled once, each email sent once, health checks, clean stop', async () => {
    // Three paid orders (each with its confirmation due) and two left awaiting payment (the gateway never
    // answered and nothing was held: the settlement cancels them and puts their stock back).
    const paid: number[] = []
    const unanswered: number[] = []
    for (let i = 0; i < 3; i++) paid.push(await placeOrder('tok_visa'))
    for (let i = 0; i < 2; i++) unanswered.push(await placeOrder('tok_timeout'))
    const [held] = await sqlRows<{ reserved: string }>(shop, "SELECT reserved::text FROM stock WHERE product_id = 'APPLES' AND store_id = $1", [catalogue.stores.main])
    expect(Number(held!.reserved)).toBe(5)

    // Their reservations run out (as if 15 minutes had passed).
    await sqlRows(shop, "UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = ANY($1)", [unanswered])

    const [first, second] = await Promise.all([startWorker(), startWorker()])
    for (const worker of [first!, second!]) {
      expect(await until('a health check', () => health(worker.port), 90_000)).toEqual({ status: 'ok', database: 'up', role: 'worker' })
      expect((await fetch(`http://127.0.0.1:${worker.port}/api/products`)).status).toBe(404) // no shop API here
    }

    // A worker starting settles what is due at once (then every minute), and sends due emails (then every 10 s).
    await until(
      'the unanswered orders to be settled',
      async () => {
        const rows = await sqlRows<{ status: string }>(shop, 'SELECT status FROM orders WHERE id = ANY($1)', [unanswered])
        return rows.every((r) => r.status === 'cancelled') ? rows : undefined
      },
      30_000,
    )
    await until(
      'the confirmations to be sent',
      async () => {
        const [row] = await sqlRows<{ n: number }>(shop, 'SELECT count(*)::int AS n FROM order_notifications WHERE sent_at IS NULL')
        return row!.n === 0 ? row : undefined
      },
      30_000,
    )
    // An order paid now: its confirmation goes out on the email schedule (the crons run in the workers).
    await placeOrder('tok_visa').then((id) => paid.push(id))
    await until(
      'the scheduled email run',
      async () => {
        const [row] = await sqlRows<{ n: number }>(shop, 'SELECT count(*)::int AS n FROM order_notifications WHERE sent_at IS NULL')
        return row!.n === 0 ? row : undefined
      },
      40_000,
    )
    // Each email once, though two workers were sending: one file per notification.
    const notifications = await sqlRows<{ n: number }>(shop, 'SELECT count(*)::int AS n FROM order_notifications')
    expect(notifications[0]!.n).toBeGreaterThanOrEqual(paid.length)
    expect(fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml'))).toHaveLength(notifications[0]!.n)
    // Each unanswered order's stock came back exactly once: the paid ones' stays held.
    const [after] = await sqlRows<{ reserved: string }>(shop, "SELECT reserved::text FROM stock WHERE product_id = 'APPLES' AND store_id = $1", [catalogue.stores.main])
    expect(Number(after!.reserved)).toBe(paid.length)
    const releases = await sqlRows<{ n: number }>(shop, "SELECT count(*)::int AS n FROM stock_movements WHERE type = 'release' AND order_id = ANY($1)", [unanswered])
    expect(releases[0]!.n).toBe(unanswered.length)
    expect(await stockDisagreements(shop)).toEqual([])

    // Neither worker failed a run (two runners may take the same job: see `alone` in src/jobs).
    for (const worker of [first!, second!]) expect(worker.output()).not.toMatch(/"level":(50|60)/)

    for (const worker of [first!, second!]) {
      const exited = new Promise<number | null>((resolve) => worker.child.once('exit', (code) => resolve(code)))
      worker.child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  }, 200_000)
})
