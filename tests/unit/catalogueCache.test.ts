// The catalogue cache: only anonymous catalogue reads, shared loads, cleared by writes.
import { describe, expect, it } from '@jest/globals'

import { CatalogueCache, catalogueKey, writesCatalogue } from '../../src/http/catalogueCache'

const ok = (text: string) => ({ status: 200, headers: [['content-type', 'application/json']] as Array<[string, string]>, body: Buffer.from(text) })

describe('catalogue cache', () => {
  it('caches anonymous GETs of the catalogue, and searches whoever asks (made as anonymous)', () => {
    const anyone = (url: string) => ({ key: ` ${url}`, anonymous: false })
    expect(catalogueKey('GET', '/api/products?limit=24', {})).toEqual(anyone('/api/products?limit=24'))
    expect(catalogueKey('GET', '/api/products/APPLES', {})).toEqual(anyone('/api/products/APPLES'))
    expect(catalogueKey('GET', '/api/stores', {})).toEqual(anyone('/api/stores'))
    const search = { key: ' /api/catalogue?q=milk&store=1', anonymous: true }
    expect(catalogueKey('GET', '/api/catalogue?q=milk&store=1', {})).toEqual(search)
    expect(catalogueKey('GET', '/api/catalogue?q=milk&store=1', { authorization: 'Bearer x' })).toEqual(search)
    expect(catalogueKey('GET', '/api/catalogue?q=milk&store=1', { cookie: 'payload-token=x' })).toEqual(search)
    expect(catalogueKey('GET', '/api/products?limit=24', { authorization: 'Bearer x' })).toBeNull()
    // Per Origin: the answer's CORS headers are the caller's.
    expect(catalogueKey('GET', '/api/stores', { origin: 'https://front.example' })).toEqual({ key: 'https://front.example /api/stores', anonymous: false })
    expect(catalogueKey('GET', '/api/products', { cookie: 'a=1; payload-token=x' })).toBeNull()
    expect(catalogueKey('POST', '/api/products', {})).toBeNull()
    for (const url of ['/api/catalogue/x', '/api/catalogues', '/api/cart', '/api/orders', '/api/users', '/api/stock', '/api/products-x', '/api/products/A/B']) {
      expect(catalogueKey('GET', url, {})).toBeNull()
    }
  })

  it('knows which requests write the catalogue', () => {
    expect(writesCatalogue('PATCH', '/api/products/APPLES')).toBe(true)
    expect(writesCatalogue('POST', '/api/stock/5/adjust')).toBe(true)
    expect(writesCatalogue('POST', '/api/media')).toBe(true)
    expect(writesCatalogue('GET', '/api/products')).toBe(false)
    expect(writesCatalogue('POST', '/api/cart/items')).toBe(false)
  })

  it('serves a hit without loading, shares concurrent loads, forgets after a clear', async () => {
    const cache = new CatalogueCache(60_000)
    let loads = 0
    const load = async () => (loads++, ok(`v${loads}`))
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)])
    expect(loads).toBe(1)
    expect(a.body.toString()).toBe('v1')
    expect(b).toBe(a)
    expect((await cache.get('k', load)).body.toString()).toBe('v1')
    cache.clear()
    expect((await cache.get('k', load)).body.toString()).toBe('v2')
  })

  it('with a time of 0 it loads every time', async () => {
    const cache = new CatalogueCache(0)
    let n = 0
    await cache.get('k', async () => ok(`v${++n}`))
    expect((await cache.get('k', async () => ok(`v${++n}`))).body.toString()).toBe('v2')
  })

  it('expires entries, and never keeps errors or answers a write overtook', async () => {
    const cache = new CatalogueCache(1)
    let n = 0
    await cache.get('k', async () => ok(`v${++n}`))
    await new Promise((r) => setTimeout(r, 5))
    expect((await cache.get('k', async () => ok(`v${++n}`))).body.toString()).toBe('v2')
    const fresh = new CatalogueCache(60_000)
    await fresh.get('e', async () => ({ ...ok('x'), status: 503 }))
    expect((await fresh.get('e', async () => ok('y'))).body.toString()).toBe('y')
    const slow = fresh.get('s', async () => (await new Promise((r) => setTimeout(r, 5)), ok('old')))
    fresh.clear()
    await slow
    expect((await fresh.get('s', async () => ok('new'))).body.toString()).toBe('new')
  })
})
