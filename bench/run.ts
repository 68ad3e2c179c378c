// npm run bench [-- --quick | --search]: the production server on a fresh database, driven over HTTP by
// autocannon, each figure beside the same work done in raw SQL (the floor). Writes BENCHMARKS.md.
// --search: only the catalogue search rows (1k and 100k products), into their own section.
import fs from 'node:fs'
import os from 'node:os'

import autocannon from 'autocannon'
import pg from 'pg'

import { buyerEmail, buyerIds, cloneBuyers, fillCarts, growCatalogue, logIn, seedStores, sku } from './data'
import { cartUpsert, cartView, cataloguePage, checkoutTransaction, type Measured, measureSql, pageOnly, productById } from './floor'
import { verifyStock } from '../src/shop/stock'
import { measureSearch, type SearchRow } from './search'
import { ensureProductionBuild, startBenchShop } from './server'
import { startNginx } from '../tests/helpers/nginx'

const quick = process.argv.includes('--quick')
const searchOnly = process.argv.includes('--search')
const SEARCH_SCALES = [1_000, 100_000]
const SECONDS = quick ? 2 : 5
const LEVELS = [1, 8, 32]
const PASSWORD = 'bench password 123'
const CHECKOUTS = quick ? { 1: 40, 8: 120, 32: 200 } : { 1: 150, 8: 400, 32: 800 } as Record<number, number>
const FLASH = quick ? { stock: 250, buyers: 500 } : { stock: 1000, buyers: 2000 }
const SCALES = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000]
const BUYERS = 10_000

type Row = { scenario: string; connections: number; http: Measured; floor?: Measured; note?: string }
const rows: Row[] = []
const log = (line: string) => console.log(line)

async function http(
  url: string,
  connections: number,
  request: { method?: string; path: string | ((i: number) => string); token?: (i: number) => string; body?: (i: number) => unknown },
  opts: { seconds?: number; amount?: number } = {},
): Promise<Measured & { statuses: Record<string, number> }> {
  let i = 0
  const started = performance.now()
  let lastAnswer = started
  const options: autocannon.Options = {
    url,
    connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds ?? SECONDS }),
    timeout: 30,
    requests: [
      {
        method: (request.method ?? 'GET') as 'GET',
        setupRequest: (req) => {
          const n = i++
          const headers: Record<string, string> = { 'content-type': 'application/json' }
          if (request.token) headers.authorization = `Bearer ${request.token(n)}`
          return {
            ...req,
            path: typeof request.path === 'function' ? request.path(n) : request.path,
            headers,
            ...(request.body ? { body: JSON.stringify(request.body(n)) } : {}),
          }
        },
      },
    ],
  }
  // autocannon ends a run on its next 1 s tick, so its own clock (and ours around it) reads whole seconds:
  // 800 checkouts in 7.2 s read as 8 s. Throughput is counted to the last answer instead.
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(options, (err, done) => (err ? reject(err) : resolve(done)))
    run.on('response', () => (lastAnswer = performance.now()))
  })
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, (v as { count: number }).count]))
  return {
    rps: result.requests.total / ((Math.max(lastAnswer, started + 1) - started) / 1000),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
    statuses,
  }
}

const fmt = (n: number, digits = 0) => n.toFixed(digits)

const contact = { firstName: 'Bench', lastName: 'Buyer', phone: '+79161234567' }
/** One checkout per buyer token (each a different buyer with a filled cart), `connections` at a time. */
const checkouts = (url: string, connections: number, tokens: string[], store: number) =>
  http(
    url,
    connections,
    { method: 'POST', path: '/api/checkout', token: (i) => tokens[i]!, body: () => ({ pickupPoint: store, contact, paymentToken: 'tok_visa' }) },
    { amount: tokens.length },
  )

async function main() {
  ensureProductionBuild()
  log(`Starting the production server on a fresh database${quick ? ' (quick run)' : ''}…`)
  const shop = await startBenchShop()
  const db = new pg.Pool({ connectionString: shop.databaseUrl, max: 4 })
  try {
    const [store] = await seedStores(db)
    await growCatalogue(db, 1_000)
    const template = 'template@bench.local'
    const reg = await fetch(`${shop.url}/api/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: template, password: PASSWORD }),
    })
    if (reg.status !== 201) throw new Error(`registration failed: ${reg.status} ${await reg.text()}`)
    await cloneBuyers(db, template, BUYERS)
    let nextBuyer = 1
    const takeBuyers = async (n: number) => {
      const emails = Array.from({ length: n }, () => buyerEmail(nextBuyer++))
      if (nextBuyer > BUYERS) throw new Error('not enough bench buyers')
      return { emails, ids: await buyerIds(db, emails), tokens: await logIn(shop.url, emails, PASSWORD) }
    }
    const shoppers = await takeBuyers(64)
    const pick = (i: number, of: number) => sku(1 + ((i * 7919) % of))

    // Catalogue, product, cart.
    for (const c of LEVELS) {
      const page = await http(shop.url, c, { path: '/api/products?limit=24' })
      rows.push({ scenario: 'catalogue page', connections: c, http: page, floor: await measureSql(shop.databaseUrl, c, SECONDS, cataloguePage) })
      if (c === 32) rows.push({ scenario: '  (page query alone)', connections: c, http: page, floor: await measureSql(shop.databaseUrl, c, SECONDS, pageOnly) })
      const product = await http(shop.url, c, { path: (i) => `/api/products/${pick(i, 1000)}` })
      rows.push({ scenario: 'product by SKU', connections: c, http: product, floor: await measureSql(shop.databaseUrl, c, SECONDS, productById((i) => pick(i, 1000))) })
      const add = await http(shop.url, c, {
        method: 'POST',
        path: '/api/cart/items',
        token: (i) => shoppers.tokens[i % 64]!,
        body: (i) => ({ sku: pick(i, 20), quantity: 1 }),
      })
      rows.push({
        scenario: 'cart add',
        connections: c,
        http: add,
        floor: await measureSql(shop.databaseUrl, c, SECONDS, cartUpsert((i) => shoppers.ids[i % 64]!, (i) => pick(i, 20))),
      })
      const view = await http(shop.url, c, { path: '/api/cart', token: (i) => shoppers.tokens[i % 64]! })
      rows.push({ scenario: 'cart view', connections: c, http: view, floor: await measureSql(shop.databaseUrl, c, SECONDS, cartView((i) => shoppers.ids[i % 64]!)) })
      log(`  measured catalogue, product and cart at ${c} connection(s)`)
    }

    // Checkout: every request a different buyer with a 3-line cart.
    const lines = (i: number) => [pick(3 * i, 50), pick(3 * i + 1, 50), pick(3 * i + 2, 50)].filter((s, k, all) => all.indexOf(s) === k)
    let rssAfterCheckout = 0
    for (const c of LEVELS) {
      const buyers = await takeBuyers(CHECKOUTS[c]!)
      await fillCarts(db, buyers.ids, lines)
      const res = await checkouts(shop.url, c, buyers.tokens, store!)
      const floorBuyers = buyers.ids
      rows.push({
        scenario: 'checkout',
        connections: c,
        http: res,
        floor: await measureSql(shop.databaseUrl, c, SECONDS, checkoutTransaction((i) => floorBuyers[i % floorBuyers.length]!, store!, lines)),
        note: `${res.statuses['201'] ?? 0}/${res.requests} paid`,
      })
      if (c === 32) rssAfterCheckout = shop.peakRssMb()
      log(`  measured checkout at ${c} connection(s)`)
    }

    // Flash sale: one SKU at one shop, more buyers than stock.
    await db.query(`INSERT INTO products (id, name, price, unit, quantity_step) VALUES ('FLASH-1', 'Flash sale', 9900, 'pcs', 1)`)
    await db.query(
      `WITH s AS (INSERT INTO stock (product_id, store_id, on_hand) VALUES ($1, $2, $3) RETURNING id, product_id, store_id, on_hand)
       INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta)
       SELECT id, product_id, store_id, 'initial', on_hand, 0 FROM s`,
      ['FLASH-1', store, FLASH.stock],
    )
    const crowd = await takeBuyers(FLASH.buyers)
    await fillCarts(db, crowd.ids, () => ['FLASH-1'])
    const flash = await checkouts(shop.url, 32, crowd.tokens, store!)
    const [{ paid }] = (await db.query<{ paid: number }>(
      `SELECT count(*)::int AS paid FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.product_id = 'FLASH-1' AND o.status = 'paid'`,
    )).rows as [{ paid: number }]
    const [{ left }] = (await db.query<{ left: string }>(`SELECT (on_hand - reserved)::text AS left FROM stock WHERE product_id = 'FLASH-1'`)).rows as [{ left: string }]
    // The ledger over the whole bench database after the rush (what `npm run stock:verify` checks).
    const disagreements = await verifyStock((text) => db.query(text))
    const flashOk =
      paid === FLASH.stock && left === '0' && disagreements.length === 0 &&
      (flash.statuses['201'] ?? 0) === FLASH.stock && (flash.statuses['409'] ?? 0) === FLASH.buyers - FLASH.stock
    rows.push({
      scenario: `flash sale (${FLASH.buyers} buyers, stock ${FLASH.stock})`,
      connections: 32,
      http: flash,
      note: `${paid} paid, available left ${left}, ${flash.statuses['409'] ?? 0}×409, stock:verify ${disagreements.length === 0 ? 'clean' : `${disagreements.length} rows off`} ${flashOk ? 'OK' : 'WRONG'}`,
    })

    // 64 clients with the default pool: must not stall.
    const crowd64 = await http(shop.url, 64, {
      method: 'POST',
      path: '/api/cart/items',
      token: (i) => shoppers.tokens[i % 64]!,
      body: (i) => ({ sku: pick(i, 20), quantity: 1 }),
    })
    rows.push({ scenario: 'cart add, 64 clients', connections: 64, http: crowd64, note: crowd64.errors === 0 && crowd64.rps > 0 ? 'no stall' : 'STALLED' })

    // Scaling with the catalogue size (10k buyers in the database throughout).
    const scaling: Array<{ products: number; page: Measured; uncached: Measured; uncachedFloor: Measured; checkout: Measured }> = []
    const searches: SearchRow[] = []
    for (const n of SCALES) {
      await growCatalogue(db, n)
      const page = await http(shop.url, 32, { path: '/api/products?limit=24' })
      // Logged in, so past the catalogue cache: the page read every time, its total kept (catalogueCount.ts).
      const uncached = await http(shop.url, 32, { path: '/api/products?limit=24', token: (i) => shoppers.tokens[i % 64]! })
      const uncachedFloor = await measureSql(shop.databaseUrl, 32, SECONDS, cataloguePage)
      const buyers = await takeBuyers(quick ? 100 : 300)
      const far = (i: number) => [sku(n - 3 * (i % 100)), sku(n - 3 * (i % 100) - 1), sku(n - 3 * (i % 100) - 2)]
      await fillCarts(db, buyers.ids, far)
      const checkout = await checkouts(shop.url, 8, buyers.tokens, store!)
      scaling.push({ products: n, page, uncached, uncachedFloor, checkout })
      if (SEARCH_SCALES.includes(n)) searches.push(...(await measureSearch(shop, searchLoad, shoppers.tokens[0]!, SECONDS, n, store!)))
      log(`  measured scaling at ${n} products`)
    }

    // Express calling Payload's handler directly vs Next's route (both with the one Payload instance). With a
    // buyer's token, so the catalogue cache (Express only, anonymous only) plays no part.
    // Each on a fresh process, so the peak RSS is that of the same load; the API-only process
    // (SHOP_ADMIN=off) never loads Next.
    const via: Via[] = []
    const modes = { express: {}, next: { API_VIA: 'next' }, 'api-only': { SHOP_ADMIN: 'off' } } as const
    for (const [mode, extraEnv] of Object.entries(modes) as Array<[Via['via'], Record<string, string>]>) {
      await shop.restartServer(extraEnv)
      const page = await http(shop.url, 32, { path: '/api/products?limit=24', token: (i) => shoppers.tokens[i % 64]! })
      const cart = await http(shop.url, 32, { path: '/api/cart', token: (i) => shoppers.tokens[i % 64]! })
      via.push({ via: mode, page, cart, rssMb: shop.peakRssMb() })
    }

    // Behind nginx (deploy/nginx/shop-proxy.conf, Debian's nginx): the API-only process alone, then nginx in
    // front of it, then nginx in front of it and a second one. The same 32 clients, logged in (uncached
    // catalogue) and checking out (each a different buyer). Everything shares this machine's cores.
    const fronts: Front[] = []
    const measureFront = async (name: string, url: string) => {
      const page = await http(url, 32, { path: '/api/products?limit=24', token: (i) => shoppers.tokens[i % 64]! })
      const buyers = await takeBuyers(CHECKOUTS[32]!)
      await fillCarts(db, buyers.ids, lines)
      const checkout = await checkouts(url, 32, buyers.tokens, store!)
      fronts.push({ name, page, checkout })
      log(`  measured ${name}`)
    }
    const first = shop.url.replace('http://', '')
    await measureFront('one API-only process, direct', shop.url)
    const nginxOne = await startNginx([first])
    await measureFront('nginx → that process', nginxOne.base)
    await nginxOne.stop()
    const second = await shop.startWeb({ SHOP_ADMIN: 'off', SHOP_JOBS: 'off' })
    const nginxTwo = await startNginx([first, second.address])
    await measureFront('nginx → two API-only processes', nginxTwo.base)
    await nginxTwo.stop()
    const secondRss = second.peakRssMb()
    await second.stop()

    const { rows: version } = await db.query<{ version: string }>('SELECT current_setting(\'server_version\') AS version')
    report({ rssAfterCheckout, flashOk, scaling, via, fronts, secondRss, pgVersion: version[0]!.version })
    writeSearchSection(searches)
    if (!flashOk) process.exitCode = 1
  } finally {
    await db.end()
    await shop.stop()
  }
}

type Front = { name: string; page: Measured & { statuses: Record<string, number> }; checkout: Measured & { statuses: Record<string, number> } }
type Via = { via: 'express' | 'next' | 'api-only'; page: Measured & { statuses: Record<string, number> }; cart: Measured & { statuses: Record<string, number> }; rssMb: number }

function report({ rssAfterCheckout, flashOk, scaling, via, fronts, secondRss, pgVersion }: {
  rssAfterCheckout: number
  fronts: Front[]
  secondRss: number
  flashOk: boolean
  scaling: Array<{ products: number; page: Measured; uncached: Measured; uncachedFloor: Measured; checkout: Measured }>
  via: Via[]
  pgVersion: string
}) {
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}, PostgreSQL ${pgVersion} (embedded, default durability)`
  const header = '| scenario | clients | req/s | p50 ms | p99 ms | errors | raw SQL req/s | ratio | note |\n|---|---:|---:|---:|---:|---:|---:|---:|---|'
  const table = rows
    .map((r) =>
      `| ${r.scenario} | ${r.connections} | ${fmt(r.http.rps)} | ${fmt(r.http.p50)} | ${fmt(r.http.p99)} | ${r.http.errors} | ${r.floor ? fmt(r.floor.rps) : ''} | ${r.floor ? fmt(r.http.rps / r.floor.rps, 2) : ''} | ${r.note ?? ''} |`,
    )
    .join('\n')
  const base = scaling[0]!
  const scaleTable = [
    '| products | catalogue p50 ms (anonymous, cached) | req/s | catalogue p50 ms (logged in, uncached) | × vs 1k | req/s | raw COUNT + page req/s | ratio | checkout p50 ms (8 clients) | × vs 1k | req/s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...scaling.map(
      (s) =>
        `| ${s.products.toLocaleString('en')} | ${fmt(s.page.p50)} | ${fmt(s.page.rps)} | ${fmt(s.uncached.p50)} | ${fmt(s.uncached.p50 / Math.max(base.uncached.p50, 1), 1)} | ${fmt(s.uncached.rps)} | ${fmt(s.uncachedFloor.rps)} | ${fmt(s.uncached.rps / s.uncachedFloor.rps, 2)} | ${fmt(s.checkout.p50)} | ${fmt(s.checkout.p50 / Math.max(base.checkout.p50, 1), 1)} | ${fmt(s.checkout.rps)} |`,
    ),
  ].join('\n')
  const viaName = { express: 'Express → Payload handler (all-in-one)', next: 'Next route (REST_GET…)', 'api-only': 'Express → Payload, API only (SHOP_ADMIN=off)' }
  const viaTable = [
    '| /api served by | catalogue page req/s | p50 ms | p99 ms | not 200 | cart view req/s | p50 ms | p99 ms | not 200 | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...via.map(
      (v) =>
        `| ${viaName[v.via]} | ${fmt(v.page.rps)} | ${fmt(v.page.p50)} | ${fmt(v.page.p99)} | ${v.page.requests - (v.page.statuses['200'] ?? 0)} | ${fmt(v.cart.rps)} | ${fmt(v.cart.p50)} | ${fmt(v.cart.p99)} | ${v.cart.requests - (v.cart.statuses['200'] ?? 0)} | ${v.rssMb} |`,
    ),
  ].join('\n')
  const direct = fronts[0]!
  const frontTable = [
    '| front | catalogue req/s | p50 ms | p99 ms | not 200 | × direct | checkout req/s | p50 ms | p99 ms | paid | × direct |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...fronts.map(
      (f) =>
        `| ${f.name} | ${fmt(f.page.rps)} | ${fmt(f.page.p50)} | ${fmt(f.page.p99)} | ${f.page.requests - (f.page.statuses['200'] ?? 0)} | ${fmt(f.page.rps / direct.page.rps, 2)} | ${fmt(f.checkout.rps)} | ${fmt(f.checkout.p50)} | ${fmt(f.checkout.p99)} | ${f.checkout.statuses['201'] ?? 0}/${f.checkout.requests} | ${fmt(f.checkout.rps / direct.checkout.rps, 2)} |`,
    ),
  ].join('\n')
  const text = `Run: ${new Date().toISOString()}${quick ? ' (--quick)' : ''}\nMachine: ${machine}\n\n${header}\n${table}\n\nPeak server RSS during the 32-client checkout run: ${rssAfterCheckout} MB. Flash sale exact: ${flashOk ? 'yes' : 'NO'}.\n\nScaling (${BUYERS.toLocaleString('en')} buyers in the database):\n\n${scaleTable}\n\nWho serves /api (32 clients, logged in as a buyer; each on a fresh process, its peak RSS after this load):\n\n${viaTable}\n\nBehind nginx (32 clients; catalogue logged in, so uncached; checkout each request a different buyer; the second process's peak RSS ${secondRss} MB):\n\n${frontTable}\n`
  console.log(`\n${text}`)
  // A full run replaces the generated part of BENCHMARKS.md; the analysis around it is written by people.
  const file = 'BENCHMARKS.md'
  const start = '<!-- bench:start -->'
  const end = '<!-- bench:end -->'
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
  if (!quick && current.includes(start) && current.includes(end)) {
    fs.writeFileSync(file, `${current.slice(0, current.indexOf(start) + start.length)}\n${text}\n${current.slice(current.indexOf(end))}`)
    console.log(`Wrote the table into ${file}.`)
  } else {
    fs.writeFileSync('bench-latest.md', text)
    console.log('Wrote bench-latest.md.')
  }
}

/** 32 clients searching at `url`, anonymous or with `token`. */
const searchLoad = (url: string, path: string, token?: string) => http(url, 32, { path, ...(token && { token: () => token }) })

/** The search rows, and how each query's uncached p50 grows from the smallest catalogue to the largest. */
function searchTable(rows: SearchRow[]): string {
  const first = (q: string) => rows.find((r) => r.query === q)!
  const growth = [...new Set(rows.map((r) => r.query))].map((q) => {
    const last = rows.filter((r) => r.query === q).at(-1)!
    return `${first(q).what}: uncached p50 ×${fmt(last.uncached.p50 / Math.max(first(q).uncached.p50, 0.5), 1)}, floor p50 ×${fmt(last.floor.p50 / Math.max(first(q).floor.p50, 0.1), 1)} over ${fmt(last.products / first(q).products)}× the products`
  })
  const cells = (m: Measured) => `${fmt(m.rps)} | ${fmt(m.p50, 1)} | ${fmt(m.p99, 1)}`
  return [
    `Run: ${new Date().toISOString()}${quick ? ' (--quick)' : ''}; GET /api/catalogue?q=…&store=…&limit=24, 32 clients: anonymous and logged in (the search is the same for everyone, so both are answered from the 2 s catalogue cache), and uncached (a second process with CATALOGUE_CACHE=0: every request to the database); the floor runs the shop's own statements in raw SQL.`,
    '',
    '| products | query | matches | anonymous req/s | p50 ms | p99 ms | logged in req/s | p50 ms | p99 ms | uncached req/s | p50 ms | p99 ms | errors | floor req/s | floor p50 ms | floor p99 ms | uncached p50 ÷ floor p50 |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.products.toLocaleString('en')} | ${r.what}: \`${r.query}\` | ${r.matches.toLocaleString('en')} | ${cells(r.anonymous)} | ${cells(r.loggedIn)} | ${cells(r.uncached)} | ${r.anonymous.errors + r.loggedIn.errors + r.uncached.errors} | ${cells(r.floor)} | ${fmt(r.uncached.p50 / Math.max(r.floor.p50, 0.1), 2)} |`,
    ),
    '',
    ...growth.map((line) => `- ${line}`),
  ].join('\n')
}

/** Writes the search rows between their markers in BENCHMARKS.md (any run but --quick), else into bench-search.md. */
function writeSearchSection(rows: SearchRow[]) {
  if (rows.length === 0) return
  const text = searchTable(rows)
  console.log(`\n${text}`)
  const file = 'BENCHMARKS.md'
  const [start, end] = ['<!-- bench:search:start -->', '<!-- bench:search:end -->']
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
  if (!quick && current.includes(start) && current.includes(end)) {
    fs.writeFileSync(file, `${current.slice(0, current.indexOf(start) + start.length)}\n${text}\n${current.slice(current.indexOf(end))}`)
  } else fs.writeFileSync('bench-search.md', text)
}

/** --search: a fresh shop, the catalogue grown to each size of SEARCH_SCALES, the search rows at each. */
async function searchMain() {
  ensureProductionBuild()
  const shop = await startBenchShop()
  const db = new pg.Pool({ connectionString: shop.databaseUrl, max: 4 })
  try {
    const [store] = await seedStores(db)
    const email = 'searcher@bench.local'
    const reg = await fetch(`${shop.url}/api/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) })
    if (reg.status !== 201) throw new Error(`registration failed: ${reg.status} ${await reg.text()}`)
    const [token] = await logIn(shop.url, [email], PASSWORD)
    const searches: SearchRow[] = []
    for (const n of SEARCH_SCALES) {
      await growCatalogue(db, n)
      searches.push(...(await measureSearch(shop, searchLoad, token!, SECONDS, n, store!)))
      log(`  measured search at ${n} products`)
    }
    writeSearchSection(searches)
  } finally {
    await db.end()
    await shop.stop()
  }
}

;(searchOnly ? searchMain() : main()).catch((err) => {
  console.error(err)
  process.exit(1)
})
