// The catalogue cache in the Express app: anonymous catalogue reads are cached briefly; a change made
// through this process shows at once; logged-in users always read the database, except for the search, which
// is the same for everyone and so made as anonymous and served to everyone from the cache.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { createAdmin, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'
import { serve } from '../helpers/http'

let shop: TestShop
let admin: Account
let http: Awaited<ReturnType<typeof serve>>

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  http = await serve(shop.payload)
  expect((await shop.api.post('/api/products', { id: 'CACHED', name: 'Cached', price: 100, unit: 'pcs' }, { token: admin.token })).status).toBe(201)
})
afterAll(async () => {
  await http?.close()
  await shop?.stop()
})

const get = async (path: string, token?: string) => {
  const res = await fetch(`${http.base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  return { status: res.status, body: await res.json() }
}
const rest = async (method: string, path: string, body: unknown, token: string) =>
  (await fetch(`${http.base}${path}`, { method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) })).status

describe('catalogue cache', () => {
  it('answers repeated anonymous reads from the cache (a change behind the API is not seen at once)', async () => {
    expect((await get('/api/products/CACHED')).body.price).toBe(100)
    await sqlRows(shop, "UPDATE products SET price = 101 WHERE id = 'CACHED'") // behind Payload's back
    expect((await get('/api/products/CACHED')).body.price).toBe(100)
    // Logged-in users bypass it.
    expect((await get('/api/products/CACHED', admin.token)).body.price).toBe(101)
  })

  it('a change through the API clears it at once', async () => {
    expect(await rest('PATCH', '/api/products/CACHED', { price: 250 }, admin.token)).toBe(200)
    expect((await get('/api/products/CACHED')).body.price).toBe(250)
    const list = await get('/api/products?limit=24')
    expect(list.body.docs.find((p: { id: string }) => p.id === 'CACHED').price).toBe(250)
    expect(await rest('PATCH', '/api/products/CACHED', { active: false }, admin.token)).toBe(200)
    expect((await get('/api/products/CACHED')).status).toBe(404)
    expect((await get('/api/products?limit=24')).body.docs.map((p: { id: string }) => p.id)).not.toContain('CACHED')
  })

  it('serves a search to anyone from the cache, made as anonymous (not even an admin sees an inactive product)', async () => {
    await sqlRows(shop, "UPDATE products SET active = false, name = 'Cached search' WHERE id = 'CACHED'")
    const path = '/api/catalogue?q=cached&limit=100'
    expect((await get(path, admin.token)).body.docs).toEqual([])
    await sqlRows(shop, "UPDATE products SET active = true WHERE id = 'CACHED'") // behind Payload's back
    for (const token of [undefined, admin.token, 'not-a-token']) {
      const answer = await get(path, token)
      expect(answer.status).toBe(200)
      expect(answer.body.docs).toEqual([]) // the cached anonymous answer, whoever asks
    }
    await sqlRows(shop, "UPDATE products SET active = false WHERE id = 'CACHED'")
  })

  it('never serves a logged-in answer to anonymous visitors (inactive products stay hidden)', async () => {
    expect((await get('/api/products?limit=100', admin.token)).body.docs.map((p: { id: string }) => p.id)).toContain('CACHED')
    expect((await get('/api/products?limit=100')).body.docs.map((p: { id: string }) => p.id)).not.toContain('CACHED')
  })
})
