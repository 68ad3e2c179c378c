// The Express front: health, body limits, and Payload's REST API passed through intact.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { serve } from '../helpers/http'
import { registerBuyer, sqlRows, startTestShop, type TestShop } from '../helpers/shop'

let shop: TestShop
let http: Awaited<ReturnType<typeof serve>>

beforeAll(async () => {
  shop = await startTestShop()
  http = await serve(shop.payload)
})
afterAll(async () => {
  await http?.close()
  await shop?.stop()
})

describe('HTTP server', () => {
  it('answers /healthz with 200 while the database answers', async () => {
    const res = await fetch(`${http.base}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', database: 'up' })
  })

  it('refuses a JSON body over 100 KB with 413 and creates nothing', async () => {
    const before = await sqlRows(shop, 'SELECT count(*)::int AS n FROM users')
    const res = await fetch(`${http.base}/api/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'big@example.com', password: 'long enough password', firstName: 'x'.repeat(110 * 1024) }),
    })
    expect(res.status).toBe(413)
    expect((await res.json()).errors[0].message).toMatch(/too large/)
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM users')).toEqual(before)
  })

  it('answers malformed JSON with 400, also through a method override', async () => {
    for (const headers of [{}, { 'X-HTTP-Method-Override': 'GET' }] as Record<string, string>[]) {
      const res = await fetch(`${http.base}/api/products`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: '{"where": ',
      })
      const body = await res.json()
      expect({ headers, status: res.status, body }).toEqual({ headers, status: 400, body: expect.objectContaining({ errors: expect.any(Array) }) })
    }
  })

  it('passes login cookies through, so cookie sessions work', async () => {
    const buyer = await registerBuyer(shop)
    const login = await fetch(`${http.base}/api/users/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: buyer.email, password: buyer.password }),
    })
    expect(login.status).toBe(200)
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('payload-token='))
    expect(cookie).toBeDefined()
    const me = await fetch(`${http.base}/api/users/me`, { headers: { Cookie: cookie!.split(';')[0]! } })
    expect((await me.json()).user.email).toBe(buyer.email)
  })

  it('sets security headers and answers unknown API routes with a JSON 404', async () => {
    const res = await fetch(`${http.base}/api/nothing-here`)
    expect(res.status).toBe(404)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-powered-by')).toBeNull()
    expect(await res.json()).toEqual(expect.objectContaining({ message: expect.any(String) }))
  })
})
