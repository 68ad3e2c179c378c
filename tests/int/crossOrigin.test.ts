// Cross-site request forgery: a page on another site makes the admin's browser send a request with the
// admin's `payload-token` cookie. Before the fix (no `csrf` list in the config) Payload took the cookie
// from any Origin: a JSON or multipart (`_payload`) POST from https://evil.example created a pickup point
// or a staff account (201). Now a state-changing request that signs in with the cookie counts only from
// the shop's own origin (SERVER_URL) and the storefronts in CORS_ORIGINS; Bearer tokens are unaffected.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { env } from '../../src/env'
import { seedCatalogue, type Catalogue } from '../helpers/fixtures'
import { call, serve } from '../helpers/http'
import { type Account, createAdmin, sqlRows, startTestShop, type TestShop } from '../helpers/shop'

const EVIL = 'https://evil.example'
const STOREFRONT = 'https://storefront.example'

let shop: TestShop
let http: Awaited<ReturnType<typeof serve>>
let admin: Account
let cookie: string
let catalogue: Catalogue
let corsBefore: string[]

beforeAll(async () => {
  corsBefore = env.origins.cors
  env.origins.cors = [STOREFRONT] // as CORS_ORIGINS=https://storefront.example would
  shop = await startTestShop()
  http = await serve(shop.payload)
  admin = await createAdmin(shop)
  catalogue = await seedCatalogue(shop, admin)
  const login = await call(http.base, 'POST', '/api/users/login', { body: { email: admin.email, password: admin.password } })
  expect(login.status).toBe(200)
  cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('payload-token='))!
  expect(cookie).toBeTruthy()
})
afterAll(async () => {
  env.origins.cors = corsBefore
  await http?.close()
  await shop?.stop()
})

const storeCount = async () => Number((await sqlRows<{ n: string }>(shop, 'SELECT count(*) AS n FROM stores'))[0]!.n)
const accountsNamed = async (email: string) => sqlRows<{ role: string }>(shop, 'SELECT role FROM users WHERE email = $1', [email])
const unique = () => Math.random().toString(16).slice(2)

/** A multipart body as a browser's form sends it: the document as JSON in `_payload`. */
async function multipart(data: unknown): Promise<{ bytes: Buffer; type: string }> {
  const form = new FormData()
  form.append('_payload', JSON.stringify(data))
  const res = new Response(form)
  return { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type')! }
}

const newStore = () => ({ name: `Forged ${unique()}`, address: 'Somewhere 1' })
const newStaff = () => ({ email: `forged-${unique()}@example.com`, password: 'forged password 123', role: 'staff', stores: [catalogue.stores.main] })

describe('a request with the admin’s cookie from another site', () => {
  it('JSON or multipart, from a foreign Origin: refused, nothing made', async () => {
    const stores = await storeCount()
    const json = await call(http.base, 'POST', '/api/stores', { body: newStore(), headers: { Cookie: cookie, Origin: EVIL } })
    expect(json.status).toBe(403)
    const form = await call(http.base, 'POST', '/api/stores', { raw: await multipart(newStore()), headers: { Cookie: cookie, Origin: EVIL } })
    expect(form.status).toBe(403)
    const staff = newStaff()
    const account = await call(http.base, 'POST', '/api/users', { raw: await multipart(staff), headers: { Cookie: cookie, Origin: EVIL } })
    expect(account.status).toBe(403)
    const edit = await call(http.base, 'PATCH', '/api/products/MILK', { body: { price: 1 }, headers: { Cookie: cookie, Origin: EVIL } })
    expect(edit.status).toBe(403)
    const origin = await call(http.base, 'POST', '/api/stores', { body: newStore(), headers: { Cookie: cookie, Origin: 'null' } })
    expect(origin.status).toBe(403)
    expect(await storeCount()).toBe(stores)
    expect(await accountsNamed(staff.email)).toEqual([])
    expect((await sqlRows<{ price: number }>(shop, "SELECT price FROM products WHERE id = 'MILK'"))[0]!.price).not.toBe(1)
  })

  it('without Origin, from a cross-site page (Sec-Fetch-Site) or with a foreign Referer: refused too', async () => {
    const stores = await storeCount()
    for (const headers of [
      { 'Sec-Fetch-Site': 'cross-site' } as Record<string, string>,
      { 'Sec-Fetch-Site': 'same-site' }, // a sibling subdomain is another origin
      { Referer: `${EVIL}/page.html` },
    ]) {
      const res = await call(http.base, 'POST', '/api/stores', { raw: await multipart(newStore()), headers: { Cookie: cookie, ...headers } })
      expect({ headers, status: res.status }).toEqual({ headers, status: 403 })
    }
    expect(await storeCount()).toBe(stores)
  })

  it('Payload itself ignores the cookie from a foreign Origin (the panel’s routes, API_VIA=next): anonymous', async () => {
    // In-process, without the Express app in front: the request is anonymous, so 403 where it needs a user
    // and, where anyone may (registration), never with the admin's powers.
    const stores = await storeCount()
    expect((await shop.api.post('/api/stores', newStore(), { headers: { Cookie: cookie, Origin: EVIL } })).status).toBe(403)
    expect(await storeCount()).toBe(stores)
    const staff = newStaff()
    const body = await multipart(staff)
    const registered = await shop.api.request('POST', '/api/users', { raw: new Uint8Array(body.bytes), headers: { Cookie: cookie, Origin: EVIL, 'Content-Type': body.type } })
    expect(registered.status).not.toBe(500)
    expect((await accountsNamed(staff.email)).map((a) => a.role)).not.toContain('staff')
    const me = await shop.api.get('/api/users/me', { headers: { Cookie: cookie, Origin: EVIL } })
    expect(me.body.user).toBeNull()
    const crossSite = await shop.api.get('/api/users/me', { headers: { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' } })
    expect(crossSite.body.user).toBeNull()
  })
})

describe('what still works', () => {
  it('the shop’s own origin (SERVER_URL) with the cookie: the panel', async () => {
    const own = new URL(env.serverUrl).origin
    const json = await call(http.base, 'POST', '/api/stores', { body: newStore(), headers: { Cookie: cookie, Origin: own } })
    expect(json.status).toBe(201)
    const staff = newStaff()
    const form = await call(http.base, 'POST', '/api/users', { raw: await multipart(staff), headers: { Cookie: cookie, Origin: own } })
    expect(form.status).toBe(201)
    expect(await accountsNamed(staff.email)).toEqual([{ role: 'staff' }])
    // A same-origin fetch without Origin (browsers leave it out on GET) and a typed-in address.
    for (const site of ['same-origin', 'none']) {
      const me = await call(http.base, 'GET', '/api/users/me', { headers: { Cookie: cookie, 'Sec-Fetch-Site': site } })
      expect(me.body.user?.id).toBe(admin.id)
    }
  })

  it('a storefront listed in CORS_ORIGINS: accepted, and may read the answer', async () => {
    const res = await call(http.base, 'POST', '/api/stores', { body: newStore(), headers: { Cookie: cookie, Origin: STOREFRONT } })
    expect(res.status).toBe(201)
    expect(res.headers['access-control-allow-origin']).toBe(STOREFRONT)
    expect(res.headers['access-control-allow-credentials']).toBe('true')
    const preflight = await call(http.base, 'OPTIONS', '/api/stores', { headers: { Origin: STOREFRONT, 'Access-Control-Request-Method': 'POST' } })
    expect(preflight.headers['access-control-allow-origin']).toBe(STOREFRONT)
    // Another site is not told it may read.
    const evil = await call(http.base, 'GET', '/api/products', { headers: { Origin: EVIL } })
    expect(evil.status).toBe(200)
    expect(evil.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('a Bearer token from any origin (no browser sends one by itself)', async () => {
    const json = await call(http.base, 'POST', '/api/stores', { body: newStore(), token: admin.token, headers: { Origin: EVIL } })
    expect(json.status).toBe(201)
    const withCookieToo = await call(http.base, 'POST', '/api/stores', { raw: await multipart(newStore()), token: admin.token, headers: { Cookie: cookie, Origin: EVIL } })
    expect(withCookieToo.status).toBe(201)
  })

  it('reading with the cookie from anywhere is no change: GET is not refused (the cookie is just not used)', async () => {
    const res = await call(http.base, 'GET', '/api/users/me', { headers: { Cookie: cookie, Origin: EVIL } })
    expect(res.status).toBe(200)
    expect(res.body.user).toBeNull()
  })
})
