// GET /api/catalogue: full-text search in Russian and English, typos corrected, ranked; only products on
// sale; availability and inStock per pickup point; sorting, paging; hostile queries answered with a 4xx or
// an empty page, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import sharp from 'sharp'

import { createAdmin, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let admin: Account
let main: number
let closed: number

const lexical = (text: string) => ({
  root: { type: 'root', format: '', indent: 0, version: 1, direction: null, children: [{ type: 'paragraph', format: '', indent: 0, version: 1, direction: null, children: [{ type: 'text', text, version: 1, format: 0, detail: 0, mode: 'normal', style: '' }] }] },
})
const PRODUCTS = [
  { id: 'MILK', name: 'Молоко 3,2% 1 л', price: 8990, unit: 'pcs', quantityStep: 1 },
  { id: 'KEFIR', name: 'Кефир 1%', price: 7990, unit: 'pcs', quantityStep: 1, description: lexical('Из цельного молока, фермерское') },
  { id: 'APPLE', name: 'Apple Gala', price: 19990, unit: 'kg', quantityStep: 0.1 },
  { id: 'CHEESE', name: 'Сыр Российский', price: 89900, unit: 'kg', quantityStep: 0.1 },
  { id: 'BREAD', name: 'Хлеб Бородинский', price: 5490, unit: 'pcs', quantityStep: 1 },
  { id: 'SECRET', name: 'Молоко новое (ещё не в продаже)', price: 9990, unit: 'pcs', quantityStep: 1, active: false },
]

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  const post = async (path: string, body: unknown) => {
    const res = await shop.api.post(path, body, { token: admin.token })
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body.doc
  }
  for (const p of PRODUCTS) await post('/api/products', p)
  main = (await post('/api/stores', { name: 'Тверская', address: 'Москва, Тверская, 7' })).id
  closed = (await post('/api/stores', { name: 'Closed', address: 'Nowhere', active: false })).id
  await post('/api/stock', { product: 'MILK', store: main, onHand: 5 })
  await post('/api/stock', { product: 'APPLE', store: main, onHand: 1.5 })
  await post('/api/stock', { product: 'CHEESE', store: main, onHand: 0 })
})
afterAll(async () => {
  await shop?.stop()
})

const search = async (query: string) => shop.api.get(`/api/catalogue${query ? `?${query}` : ''}`)
const skus = async (query: string) => {
  const res = await search(query)
  expect(res.status).toBe(200)
  return (res.body.docs as Array<{ sku: string }>).map((d) => d.sku)
}

describe('catalogue search', () => {
  it('stems Russian ("молока" finds "Молоко") and English ("apples" finds "Apple Gala")', async () => {
    expect(await skus(`q=${encodeURIComponent('молока')}`)).toEqual(expect.arrayContaining(['MILK']))
    expect(await skus(`q=${encodeURIComponent('МОЛОКО')}`)).toEqual(expect.arrayContaining(['MILK']))
    expect(await skus('q=apples')).toEqual(['APPLE'])
    expect(await skus(`q=${encodeURIComponent('российского сыра')}`)).toEqual(['CHEESE'])
  })

  it('searches the description too, ranking a name match above it', async () => {
    expect(await skus(`q=${encodeURIComponent('фермерский')}`)).toEqual(['KEFIR'])
    // "молоко" is MILK's name and in KEFIR's description: the name first.
    expect(await skus(`q=${encodeURIComponent('молоко')}`)).toEqual(['MILK', 'KEFIR'])
  })

  it('corrects a typo against the catalogue’s words ("малоко" → "молоко")', async () => {
    const res = await search(`q=${encodeURIComponent('малоко')}`)
    expect(res.status).toBe(200)
    expect(res.body.correctedQuery).toBe('молоко')
    expect(res.body.docs.map((d: { sku: string }) => d.sku)).toEqual(['MILK', 'KEFIR'])
    expect((await search(`q=${encodeURIComponent('бородински')}`)).body.docs.map((d: { sku: string }) => d.sku)).toEqual(['BREAD'])
    // Nothing like it: an empty page, no correction.
    const none = await search('q=zzzzqqq')
    expect(none.body).toMatchObject({ docs: [], totalDocs: 0, correctedQuery: null })
  })

  it('never shows a product that is not on sale, whatever the query', async () => {
    expect(await skus(`q=${encodeURIComponent('новое')}`)).toEqual([])
    expect(await skus('limit=100')).not.toContain('SECRET')
    expect(await skus(`q=SECRET`)).toEqual([])
  })

  it('says what is available at a pickup point, and inStock keeps only that', async () => {
    const res = await search(`store=${main}&sort=name`)
    const bySku = Object.fromEntries(res.body.docs.map((d: { sku: string; available?: number }) => [d.sku, d.available]))
    expect(bySku).toEqual({ MILK: 5, KEFIR: 0, APPLE: 1.5, CHEESE: 0, BREAD: 0 })
    expect(await skus(`store=${main}&inStock=true&sort=name`)).toEqual(['APPLE', 'MILK'])
    // A reservation counts: what is reserved is not available.
    await sqlRows(shop, "UPDATE stock SET reserved = 5 WHERE product_id = 'MILK' AND store_id = $1", [main])
    try {
      expect(await skus(`store=${main}&inStock=true`)).toEqual(['APPLE'])
    } finally {
      await sqlRows(shop, "UPDATE stock SET reserved = 0 WHERE product_id = 'MILK' AND store_id = $1", [main])
    }
    // Without a store, no availability at all.
    expect((await search('q=apples')).body.docs[0]).not.toHaveProperty('available')
  })

  it('sorts by name and price, and pages like Payload’s lists', async () => {
    expect(await skus('sort=price')).toEqual(['BREAD', 'KEFIR', 'MILK', 'APPLE', 'CHEESE'])
    expect(await skus('sort=-price')).toEqual(['CHEESE', 'APPLE', 'MILK', 'KEFIR', 'BREAD'])
    expect(await skus('sort=name')).toEqual(['APPLE', 'KEFIR', 'MILK', 'CHEESE', 'BREAD'])
    const page = await search('sort=price&limit=2&page=2')
    expect(page.body).toMatchObject({ totalDocs: 5, limit: 2, page: 2, totalPages: 3, hasPrevPage: true, hasNextPage: true, prevPage: 1, nextPage: 3, pagingCounter: 3 })
    expect(page.body.docs.map((d: { sku: string }) => d.sku)).toEqual(['MILK', 'APPLE'])
    expect((await search('sort=price&limit=2&page=9')).body).toMatchObject({ docs: [], totalDocs: 5, totalPages: 3, hasNextPage: false, nextPage: null })
    expect(page.body.docs[1]).toEqual({ sku: 'APPLE', name: 'Apple Gala', price: 19990, currency: expect.any(String), unit: 'kg', step: 0.1, photo: null })
  })

  it('follows a product as it changes: its new name is found, its old one no longer, typos of the new one too', async () => {
    const post = await shop.api.post('/api/products', { id: 'RENAMED', name: 'Ряженка 4%', price: 6990, unit: 'pcs', quantityStep: 1 }, { token: admin.token })
    expect(post.status).toBe(201)
    expect(await skus(`q=${encodeURIComponent('ряженки')}`)).toEqual(['RENAMED'])
    expect((await shop.api.patch('/api/products/RENAMED', { name: 'Варенец 2,5%' }, { token: admin.token })).status).toBe(200)
    expect(await skus(`q=${encodeURIComponent('ряженки')}`)).toEqual([])
    expect(await skus(`q=${encodeURIComponent('варенца')}`)).toEqual(['RENAMED'])
    expect(await skus(`q=${encodeURIComponent('варениц')}`)).toEqual(['RENAMED'])
    expect((await shop.api.patch('/api/products/RENAMED', { active: false }, { token: admin.token })).status).toBe(200)
    expect(await skus(`q=${encodeURIComponent('варенца')}`)).toEqual([])
  })

  it('gives photo URLs in the sizes Payload makes', async () => {
    const form = new FormData()
    const image = await sharp({ create: { width: 1000, height: 800, channels: 3, background: '#f2d43d' } }).png().toBuffer()
    form.append('file', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'bread.png')
    form.append('_payload', JSON.stringify({ alt: 'Хлеб' }))
    const media = await shop.api.request('POST', '/api/media', { raw: form, token: admin.token })
    expect(media.status).toBe(201)
    expect((await shop.api.patch('/api/products/BREAD', { photo: media.body.doc.id }, { token: admin.token })).status).toBe(200)
    const [bread] = (await search(`q=${encodeURIComponent('хлеб')}`)).body.docs
    expect(bread.photo).toEqual({
      url: media.body.doc.url,
      alt: 'Хлеб',
      width: 1000,
      height: 800,
      sizes: {
        thumbnail: { url: media.body.doc.sizes.thumbnail.url, width: 300, height: 300 },
        card: { url: media.body.doc.sizes.card.url, width: 768, height: 614 },
      },
    })
    expect(bread.photo.sizes.card.url).toMatch(/^\/api\/media\/file\//)
  })

  it('answers hostile input with a 4xx or an empty page, never a 5xx', async () => {
    const cases: Array<[string, number]> = [
      ['store=abc', 400],
      ['store=-1', 400],
      ['store=99999999999', 400],
      ['store=999999', 404],
      [`store=${closed}`, 404],
      ['limit=1000', 400],
      ['limit=0', 400],
      ['page=0', 400],
      ['page=1.5', 400],
      [`q=${'а'.repeat(2000)}`, 400],
      ['inStock=true', 400],
      ['inStock=yes&store=1', 400],
      ['sort=price;drop', 400],
      ['unknown=1', 400],
      ['q=a&q=b', 400],
      ['q[$ne]=x', 400],
    ]
    for (const [query, status] of cases) expect({ query, status: (await search(query)).status }).toEqual({ query, status })
    for (const q of [`'`, `"молоко`, `%`, `_`, `\\`, `молоко' OR 1=1 --`, `!!!`, `&|<->`, `:*`, '\u0000', '—']) {
      const res = await search(`q=${encodeURIComponent(q)}`)
      expect({ q, status: res.status }).toEqual({ q, status: q === '\u0000' ? 400 : 200 })
    }
  })
})
