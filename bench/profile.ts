// npm run bench:profile [-- --seconds N]: the production server under 32 clients of cart adds, of a
// logged-in buyer's catalogue page, then of checkouts, each with Node's CPU profiler on (--cpu-prof);
// prints the ten heaviest functions by self time and the share of each package, and leaves the
// .cpuprofile files for Chrome's DevTools.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import autocannon from 'autocannon'
import pg from 'pg'

import { buyerEmail, buyerIds, cloneBuyers, fillCarts, growCatalogue, logIn, seedStores, sku } from './data'
import { ensureProductionBuild, startBenchShop } from './server'

const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1]
const SECONDS = Number(process.argv.includes('--seconds') ? arg('--seconds') : 20)
const PASSWORD = 'bench password 123'
const contact = { firstName: 'Bench', lastName: 'Buyer', phone: '+79161234567' }

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; endTime: number }

/** Where a frame's code comes from: a package, the shop's own code, Node, or the idle/GC/program buckets. */
function originOf(url: string, name: string): string {
  if (!url) return `(${name || 'anonymous'})`
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  if (url.startsWith('node:')) return 'node'
  return 'shop'
}

/**
 * Self time by function and by origin, as shares of the samples taken while the load ran: the window is
 * `fromEnd` (load start, load end) in µs before the profile's end, which is the process's exit (so the
 * start-up's compiling and the shutdown are left out).
 */
function readProfile(file: string, fromEnd: { start: number; end: number }) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const hits = new Map<number, number>()
  // Sample times, from the last one back (timeDeltas[i] is the gap before sample i).
  let t = profile.endTime
  for (let i = profile.samples.length - 1; i >= 0; i--) {
    const ago = profile.endTime - t
    if (ago >= fromEnd.end && ago <= fromEnd.start) hits.set(profile.samples[i]!, (hits.get(profile.samples[i]!) ?? 0) + 1)
    t -= profile.timeDeltas[i]!
  }
  const total = [...hits.values()].reduce((a, b) => a + b, 0)
  const byFunction = new Map<string, number>()
  const byOrigin = new Map<string, number>()
  for (const [id, count] of hits) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame
    const origin = originOf(url, functionName)
    const where = url ? `${origin === 'shop' ? path.basename(url) : origin}:${lineNumber + 1}` : ''
    const key = `${functionName || '(anonymous)'} ${where}`.trim()
    byFunction.set(key, (byFunction.get(key) ?? 0) + count)
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + count)
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, c]) => ({ name, share: c / total }))
  return { samples: total, functions: top(byFunction, 10), origins: top(byOrigin, 12) }
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`

async function main() {
  ensureProductionBuild()
  const shop = await startBenchShop()
  const db = new pg.Pool({ connectionString: shop.databaseUrl, max: 4 })
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-profile-'))
  try {
    const [store] = await seedStores(db)
    await growCatalogue(db, 1_000)
    const template = 'template@bench.local'
    const reg = await fetch(`${shop.url}/api/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: template, password: PASSWORD }) })
    if (reg.status !== 201) throw new Error(`registration failed: ${reg.status}`)
    await cloneBuyers(db, template, 1_100)
    const emails = Array.from({ length: 1_064 }, (_, i) => buyerEmail(i + 1))
    const ids = await buyerIds(db, emails)
    const tokens = await logIn(shop.url, emails, PASSWORD)
    const pick = (i: number, of: number) => sku(1 + ((i * 7919) % of))
    await fillCarts(db, ids.slice(64), (i) => [pick(3 * i, 50), pick(3 * i + 1, 50), pick(3 * i + 2, 50)].filter((s, k, all) => all.indexOf(s) === k))

    const profiled = async (name: string, load: () => Promise<autocannon.Result>) => {
      const dir = path.join(out, name)
      await shop.restartServer({}, ['--cpu-prof', `--cpu-prof-dir=${dir}`])
      const exited = new Promise<number>((resolve) => shop.server.once('exit', () => resolve(performance.now())))
      const started = performance.now()
      const result = await load()
      const ended = performance.now()
      await shop.restartServer()
      const exitAt = await exited
      const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!)
      const read = readProfile(file, { start: (exitAt - started) * 1000, end: (exitAt - ended) * 1000 })
      console.log(`\n## ${name}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, ${read.samples} samples (${file})`)
      console.log('| function (self) | share |\n|---|---:|')
      for (const f of read.functions) console.log(`| \`${f.name}\` | ${pct(f.share)} |`)
      console.log('\n| origin (self) | share |\n|---|---:|')
      for (const o of read.origins) console.log(`| ${o.name} | ${pct(o.share)} |`)
    }
    const headers = (i: number) => ({ 'content-type': 'application/json', authorization: `Bearer ${tokens[i]}` })
    let n = 0
    await profiled('cart-add', () =>
      autocannon({
        url: shop.url,
        connections: 32,
        duration: SECONDS,
        requests: [{ method: 'POST', path: '/api/cart/items', setupRequest: (req) => { const i = n++ % 64; return { ...req, headers: headers(i), body: JSON.stringify({ sku: pick(i, 20), quantity: 1 }) } } }],
      }),
    )
    // A logged-in buyer's catalogue page: never cached (the totals are; see src/shop/catalogueCount.ts).
    await profiled('catalogue page (logged in)', () =>
      autocannon({
        url: shop.url,
        connections: 32,
        duration: SECONDS,
        requests: [{ method: 'GET', path: '/api/products?limit=24', setupRequest: (req) => ({ ...req, headers: headers(n++ % 64) }) }],
      }),
    )
    let c = 64
    await profiled('checkout', () =>
      autocannon({
        url: shop.url,
        connections: 32,
        amount: 1_000,
        requests: [{ method: 'POST', path: '/api/checkout', setupRequest: (req) => ({ ...req, headers: headers(c++), body: JSON.stringify({ pickupPoint: store, contact, paymentToken: 'tok_visa' }) }) }],
      }),
    )
  } finally {
    await db.end()
    await shop.stop()
  }
}

await main()
