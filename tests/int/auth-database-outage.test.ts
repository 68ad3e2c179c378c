// A database blip never signs anyone out: while PostgreSQL cannot be reached, a request that carries a
// token answers 503 with Retry-After (the storefront keeps the token, the panel keeps the clerk), never
// 401 or 403; 401 still means that the token or its session is not valid. The real Express app, on an
// embedded PostgreSQL of this file's own that the tests stop and start.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { getPayload, jwtSign, type Payload } from 'payload'
import pg from 'pg'

import { buildShopConfig } from '../../src/config'
import { ensureDatabase, freePort, startEmbeddedPostgres, type RunningDatabase } from '../../src/db/embedded'
import { closePool, migrateDatabase, watchPool } from '../../src/db/migrate'
import { createOrPromoteAdmin } from '../../src/shop/admins'
import { DATABASE_UNAVAILABLE } from '../../src/shop/errors'
import { call, serve, type Answer } from '../helpers/http'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let dir: string
let dataDir: string
let port: number
let cluster: RunningDatabase
const clusters: RunningDatabase[] = []
let payload: Payload
let http: Awaited<ReturnType<typeof serve>>

type Person = { id: number; token: string; cookie: string }
let buyer: Person
let clerk: Person

async function startCluster() {
  cluster = await startEmbeddedPostgres({ dataDir, port, unsafeFast: true })
  clusters.push(cluster)
}

async function logIn(email: string, password: string): Promise<Person> {
  const res = await call(http.base, 'POST', '/api/users/login', { body: { email, password } })
  expect(res.status).toBe(200)
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
  const cookie = setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith('payload-token='))!
  expect(cookie).toBeTruthy()
  return { id: res.body.user.id, token: res.body.token, cookie }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-auth-outage-'))
  fs.chmodSync(dir, 0o755)
  dataDir = path.join(dir, 'pg')
  port = await freePort()
  await startCluster()
  await ensureDatabase(cluster.url, 'shop')
  payload = await getPayload({ config: buildShopConfig({ databaseUrl: cluster.databaseUrl('shop'), poolMax: 6, autoRunJobs: false, settings: { authRateLimit: 0 } /* registrations and logins from one address */ }) })
  watchPool(payload)
  await migrateDatabase(payload)
  const client = new pg.Client({ connectionString: cluster.databaseUrl('shop') })
  await client.connect()
  await client.query(`INSERT INTO stores (id, name, address) VALUES (1, 'One', 'Street 1')`)
  await client.query(`INSERT INTO products (id, name, price, unit, quantity_step) VALUES ('SOAP', 'Soap', 5000, 'pcs', 1)`)
  await client.end()
  http = await serve(payload)

  const password = 'correct horse battery'
  expect((await call(http.base, 'POST', '/api/users', { body: { email: 'buyer@example.com', password } })).status).toBe(201)
  buyer = await logIn('buyer@example.com', password)
  // A clerk as admins make them: registered, then given the staff role and a pickup point.
  await createOrPromoteAdmin(payload, { email: 'chief@example.com', password: 'admin password 123' })
  const admin = await logIn('chief@example.com', 'admin password 123')
  const registered = await call(http.base, 'POST', '/api/users', { body: { email: 'clerk@example.com', password } })
  expect(registered.status).toBe(201)
  const clerkId = registered.body.doc.id
  expect((await call(http.base, 'PATCH', `/api/users/${clerkId}`, { token: admin.token, body: { role: 'staff', stores: [1] } })).status).toBe(200)
  clerk = await logIn('clerk@example.com', password)
}, 120_000)

afterAll(async () => {
  await http?.close()
  if (payload) {
    await payload.destroy().catch(() => {})
    await closePool(payload)
  }
  for (const c of clusters) await c.stop().catch(() => {})
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** The requests of the issue: our routes and Payload's, by a buyer and by a clerk. */
type Probe = { name: string; method: string; path: string; body?: unknown; who: () => Person }
const probes: Probe[] = [
  { name: 'GET /api/cart', method: 'GET', path: '/api/cart', who: () => buyer },
  { name: 'POST /api/cart/items', method: 'POST', path: '/api/cart/items', body: { sku: 'SOAP', quantity: 1 }, who: () => buyer },
  { name: 'GET /api/users/me', method: 'GET', path: '/api/users/me', who: () => buyer },
  { name: 'GET /api/orders (buyer)', method: 'GET', path: '/api/orders', who: () => buyer },
  { name: 'GET /api/orders (clerk)', method: 'GET', path: '/api/orders?sort=-createdAt', who: () => clerk },
]
type Scheme = 'Bearer' | 'JWT' | 'cookie'
const schemes: Scheme[] = ['Bearer', 'JWT', 'cookie']

function send(probe: Probe, scheme: Scheme = 'Bearer', person = probe.who()): Promise<Answer> {
  const headers: Record<string, string> =
    // The cookie as a browser sends it on the shop's own page (Payload's CSRF rule reads Sec-Fetch-Site).
    scheme === 'cookie' ? { Cookie: person.cookie, 'Sec-Fetch-Site': 'same-origin' } : { Authorization: `${scheme} ${person.token}` }
  return call(http.base, probe.method, probe.path, { body: probe.body, headers })
}

/** What a signed-in request must answer: 200 with the caller's own data. */
function expectSignedIn(probe: Probe, res: Answer) {
  expect({ probe: probe.name, status: res.status }).toEqual({ probe: probe.name, status: 200 })
  if (probe.path === '/api/users/me') expect(res.body.user?.id).toBe(probe.who().id)
}

/** 503, Retry-After and the shop's error shape: what is different from that, by request (none is right). */
function notUnavailable(label: string, res: Answer) {
  const retryAfter = Number(res.headers['retry-after'])
  const right = res.status === 503 && retryAfter > 0 && JSON.stringify(res.body) === JSON.stringify({ errors: [{ message: DATABASE_UNAVAILABLE }] })
  return right ? [] : [{ label, status: res.status, retryAfter: res.headers['retry-after'], body: res.body }]
}

const tamper = (token: string) => {
  const [head, body, sig] = token.split('.')
  return `${head}.${body}.${sig!.slice(0, -4)}${sig!.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`
}

/** Calls until the database answers again (the pool replaces its dead clients). */
async function untilBack() {
  let status = 0
  for (let i = 0; i < 80 && status !== 200; i++) {
    status = (await send(probes[0]!)).status
    if (status !== 200) await sleep(250)
  }
  expect(status).toBe(200)
}

describe('auth while the database is up', () => {
  it('a valid token (Bearer, JWT or cookie) → 200 on our routes and Payload’s', async () => {
    for (const probe of probes) for (const scheme of schemes) expectSignedIn(probe, await send(probe, scheme))
  })

  it('a tampered token, an expired one, or one whose session was logged out → 401 (Payload’s /me: no user)', async () => {
    const claims = JSON.parse(Buffer.from(buyer.token.split('.')[1]!, 'base64url').toString('utf8'))
    const { iat: _iat, exp: _exp, ...fields } = claims
    const expired = (await jwtSign({ fieldsToSign: fields, secret: payload.secret, tokenExpiration: -60 })).token
    const second = await logIn('buyer@example.com', 'correct horse battery')
    expect((await call(http.base, 'POST', '/api/users/logout', { token: second.token })).status).toBe(200)
    for (const token of [tamper(buyer.token), expired, second.token]) {
      const cart = await call(http.base, 'GET', '/api/cart', { token })
      expect(cart.status).toBe(401)
      const me = await call(http.base, 'GET', '/api/users/me', { token })
      expect(me.status).toBe(200)
      expect(me.body.user).toBeNull()
    }
    // The buyer's own session is untouched by the other one's logout.
    expect((await send(probes[0]!)).status).toBe(200)
  })
})

describe('auth while the database is down', () => {
  it('PostgreSQL stopped: every request with a valid token → 503 with Retry-After, never 401/403; back → 200 with the same token', async () => {
    await cluster.stop()
    try {
      const wrong = []
      for (const probe of probes) for (const scheme of schemes) wrong.push(...notUnavailable(`${probe.name} ${scheme}`, await send(probe, scheme)))
      expect(wrong).toEqual([])
      // A token that is not valid needs no database to say so.
      expect((await call(http.base, 'GET', '/api/cart', { token: tamper(buyer.token) })).status).toBe(401)
    } finally {
      await startCluster()
    }
    await untilBack()
    for (const probe of probes) for (const scheme of schemes) expectSignedIn(probe, await send(probe, scheme))
  }, 60_000)

  it('PostgreSQL restarted under load: requests with tokens answer 200 or 503 (with Retry-After), never 401 or 403', async () => {
    const seen: Array<{ probe: string; status: number | 'no user'; retryAfter?: string }> = []
    let running = true
    const worker = async (i: number) => {
      for (let n = i; running; n++) {
        const probe = probes[n % probes.length]!
        const res = await send(probe, schemes[n % schemes.length]).catch((err: Error) => ({ status: -1, headers: {}, body: err.message }) as Answer)
        // Payload's /me says "signed out" with a 200 and no user.
        const status = res.status === 200 && probe.path === '/api/users/me' && res.body.user?.id !== buyer.id ? 'no user' : res.status
        seen.push({ probe: probe.name, status, retryAfter: res.headers['retry-after'] as string | undefined })
      }
    }
    const workers = Array.from({ length: 6 }, (_, i) => worker(i))
    await sleep(500)
    // Connections cut in the middle of requests (a fast shutdown terminates the running ones), a few
    // seconds with no server at all, then the server again.
    await cluster.stop()
    await sleep(1500)
    await startCluster()
    await sleep(1500)
    running = false
    await Promise.all(workers)
    await untilBack()

    const statuses = [...new Set(seen.map((s) => s.status))].sort()
    expect(seen.length).toBeGreaterThan(50)
    expect(seen.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([])
    expect(statuses).toEqual([200, 503])
    expect(seen.filter((s) => s.status === 503 && !(Number(s.retryAfter) > 0))).toEqual([])
    for (const probe of probes) expectSignedIn(probe, await send(probe))
  }, 90_000)
})
