// npm run bench:soak [-- --minutes N] [-- --api-only]: the production server through a mixed shop day for N
// minutes (default 30; --malloc-arenas N sets glibc's MALLOC_ARENA_MAX for the server): 16 buyers adding to carts, viewing them, checking out (one card in eight declined,
// one order in eight cancelled by its buyer), a clerk reading the order list with depth=1, assembling the
// paid orders and handing the ready ones over against their codes. Prints the server's RSS every 10 s and
// whether it levelled off: the mean of the last third against the middle third.
import fs from 'node:fs'

import pg from 'pg'

import { buyerEmail, buyerIds, cloneBuyers, growCatalogue, logIn, seedStores, sku } from './data'
import { ensureProductionBuild, startBenchShop } from './server'

const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1]
const MINUTES = Number(process.argv.includes('--minutes') ? arg('--minutes') : 30)
const PASSWORD = 'bench password 123'
const contact = { firstName: 'Soak', lastName: 'Buyer', phone: '+79161234567' }

const METRICS_TOKEN = 'soak-metrics-token-0123456789'

/** The server's own view of its memory (prom-client's default metrics), in MB. */
async function heapOf(url: string) {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text()
  const mb = (name: string) => Math.round(Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20)
  return { heap: mb('nodejs_heap_size_used_bytes'), heapTotal: mb('nodejs_heap_size_total_bytes'), external: mb('nodejs_external_memory_bytes') }
}

const rssOf = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024)

async function main() {
  ensureProductionBuild()
  const shop = await startBenchShop()
  const arenas = process.argv.includes('--malloc-arenas') ? arg('--malloc-arenas') : undefined
  await shop.restartServer({
    METRICS_TOKEN,
    ...(process.argv.includes('--api-only') ? { SHOP_ADMIN: 'off' } : {}),
    ...(arenas ? { MALLOC_ARENA_MAX: arenas } : {}),
  })
  const db = new pg.Pool({ connectionString: shop.databaseUrl, max: 2 })
  const counts: Record<string, number> = {}
  const count = (what: string, status: number) => (counts[`${what} ${status}`] = (counts[`${what} ${status}`] ?? 0) + 1)
  try {
    const [store] = await seedStores(db)
    await growCatalogue(db, 1_000)
    const reg = await fetch(`${shop.url}/api/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'template@bench.local', password: PASSWORD }) })
    if (reg.status !== 201) throw new Error(`registration failed: ${reg.status}`)
    await cloneBuyers(db, 'template@bench.local', 16)
    const emails = Array.from({ length: 16 }, (_, i) => buyerEmail(i + 1))
    const tokens = await logIn(shop.url, emails, PASSWORD)
    const [clerkId] = await buyerIds(db, [buyerEmail(16)])
    // The sixteenth account is the clerk, at the first shop; the other fifteen buy.
    await db.query(`UPDATE users SET role = 'staff' WHERE id = $1`, [clerkId])
    await db.query(`INSERT INTO users_rels ("order", parent_id, path, stores_id) VALUES (1, $1, 'stores', $2)`, [clerkId, store])
    const clerk = tokens.pop()!

    const call = async (what: string, token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${shop.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      count(what, res.status)
      return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? ((await res.json()) as any) : await res.arrayBuffer() }
    }
    const until = Date.now() + MINUTES * 60_000
    let n = 0
    const buyer = async (token: string) => {
      while (Date.now() < until) {
        const i = n++
        for (let k = 0; k < 3; k++) await call('cart add', token, 'POST', '/api/cart/items', { sku: sku(1 + ((i * 31 + k * 7) % 200)), quantity: 1 })
        await call('cart view', token, 'GET', `/api/cart?store=${store}`)
        await call('catalogue', token, 'GET', `/api/catalogue?store=${store}&q=${encodeURIComponent(['молоко', 'сыр', 'хлеб', 'чай'][i % 4]!)}`)
        const paymentToken = i % 8 === 7 ? 'tok_chargeDeclined' : 'tok_visa'
        const order = await call('checkout', token, 'POST', '/api/checkout', { pickupPoint: store, contact, paymentToken })
        if (order.status === 201 && i % 8 === 3) await call('cancel', token, 'POST', `/api/orders/${order.body.order.id}/cancel`, {})
        if (order.status === 201) await call('order', token, 'GET', `/api/orders/${order.body.order.id}`)
        if (order.status !== 201) await call('empty cart', token, 'DELETE', '/api/cart')
      }
    }
    const clerkDay = async () => {
      while (Date.now() < until) {
        const paid = await call('orders list', clerk, 'GET', `/api/orders?depth=1&limit=20&where[status][equals]=paid&where[pickupPoint][equals]=${store}`)
        for (const o of paid.body.docs ?? []) await call('assemble', clerk, 'POST', `/api/orders/${o.id}/ready`, {})
        const { rows } = await db.query<{ pickup_code: string }>(`SELECT pickup_code FROM orders WHERE status = 'ready' AND pickup_point_id = $1 LIMIT 20`, [store])
        for (const r of rows) await call('hand over', clerk, 'POST', '/api/pickup', { code: r.pickup_code, store })
        await new Promise((r) => setTimeout(r, 500))
      }
    }
    const samples: number[] = []
    const sampler = setInterval(async () => {
      samples.push(rssOf(shop.server.pid!))
      const { heap, heapTotal, external } = await heapOf(shop.url)
      console.log(`${new Date().toISOString()} RSS ${samples.at(-1)} MB, JS heap ${heap} MB used of ${heapTotal} MB, external ${external} MB`)
    }, 10_000)
    await Promise.all([...tokens.map(buyer), clerkDay()])
    clearInterval(sampler)
    await new Promise((r) => setTimeout(r, 20_000))
    const idle = rssOf(shop.server.pid!)
    const third = Math.floor(samples.length / 3)
    const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1))
    const middle = mean(samples.slice(third, 2 * third))
    const last = mean(samples.slice(2 * third))
    console.log(`\nRequests: ${JSON.stringify(counts)}`)
    console.log(`RSS MB: first ${samples[0]}, max ${Math.max(...samples)}, mean of the middle third ${middle}, of the last third ${last} (${(((last - middle) / middle) * 100).toFixed(1)} %), 20 s after the load ${idle}`)
  } finally {
    await db.end()
    await shop.stop()
  }
}

await main()
