// Products and pickup points: who may do what, and what a valid product is.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { createAdmin, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let admin: Account
let buyer: Account
let storeId: number

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  buyer = await registerBuyer(shop)
  const store = await shop.api.post('/api/stores', { name: 'Тверская', address: 'Москва, Тверская, 7' }, { token: admin.token })
  storeId = store.body.doc.id
})
afterAll(async () => {
  await shop?.stop()
})

const product = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Product ${id}`,
  price: 19990,
  unit: 'kg',
  quantityStep: 0.1,
  ...extra,
})
const count = async (table: string) => Number((await sqlRows<{ n: string }>(shop, `SELECT count(*) AS n FROM ${table}`))[0]!.n)

describe('access to products and pickup points', () => {
  const roles = () => ({ anonymous: undefined, buyer: buyer.token }) as Record<string, string | undefined>

  it('only admins create, update and delete products', async () => {
    for (const [role, token] of Object.entries(roles())) {
      const before = await count('products')
      const create = await shop.api.post('/api/products', product(`NOPE-${role}`), { token })
      expect(create.status).toBe(403)
      expect(await count('products')).toBe(before)
    }
    const created = await shop.api.post('/api/products', product('ACL-1'), { token: admin.token })
    expect(created.status).toBe(201)
    for (const token of Object.values(roles())) {
      expect((await shop.api.patch('/api/products/ACL-1', { price: 1 }, { token })).status).toBe(403)
      expect((await shop.api.delete('/api/products/ACL-1', { token })).status).toBe(403)
    }
    const [row] = await sqlRows<{ price: string }>(shop, "SELECT price FROM products WHERE id = 'ACL-1'")
    expect(Number(row!.price)).toBe(19990)
    expect((await shop.api.patch('/api/products/ACL-1', { price: 20990 }, { token: admin.token })).body.doc.price).toBe(20990)
    expect((await shop.api.delete('/api/products/ACL-1', { token: admin.token })).status).toBe(200)
    expect(await sqlRows(shop, "SELECT 1 FROM products WHERE id = 'ACL-1'")).toHaveLength(0)
  })

  it('everyone reads active products; inactive ones only admins', async () => {
    await shop.api.post('/api/products', product('VIS-ON'), { token: admin.token })
    await shop.api.post('/api/products', product('VIS-OFF', { active: false }), { token: admin.token })
    for (const token of Object.values(roles())) {
      const list = await shop.api.get('/api/products?limit=100', { token })
      const ids = list.body.docs.map((p: { id: string }) => p.id)
      expect(ids).toContain('VIS-ON')
      expect(ids).not.toContain('VIS-OFF')
      expect((await shop.api.get('/api/products/VIS-OFF', { token })).status).toBe(404)
    }
    const asAdmin = await shop.api.get('/api/products/VIS-OFF', { token: admin.token })
    expect(asAdmin.status).toBe(200)
  })

  it('only admins manage pickup points; the public sees active ones', async () => {
    for (const token of Object.values(roles())) {
      const before = await count('stores')
      expect((await shop.api.post('/api/stores', { name: 'x', address: 'y' }, { token })).status).toBe(403)
      expect((await shop.api.patch(`/api/stores/${storeId}`, { name: 'hacked' }, { token })).status).toBe(403)
      expect((await shop.api.delete(`/api/stores/${storeId}`, { token })).status).toBe(403)
      expect(await count('stores')).toBe(before)
    }
    const closed = await shop.api.post('/api/stores', { name: 'Closed', address: 'z', active: false }, { token: admin.token })
    expect(closed.status).toBe(201)
    const publicList = await shop.api.get('/api/stores')
    const names = publicList.body.docs.map((s: { name: string }) => s.name)
    expect(names).toContain('Тверская')
    expect(names).not.toContain('Closed')
    expect((await shop.api.get(`/api/stores/${closed.body.doc.id}`)).status).toBe(404)
    const [row] = await sqlRows<{ name: string }>(shop, 'SELECT name FROM stores WHERE id = $1', [storeId])
    expect(row!.name).toBe('Тверская')
  })

  it('a pickup point needs a name and an address', async () => {
    const before = await count('stores')
    expect((await shop.api.post('/api/stores', { name: 'No address' }, { token: admin.token })).status).toBe(400)
    expect((await shop.api.post('/api/stores', { address: 'No name' }, { token: admin.token })).status).toBe(400)
    expect(await count('stores')).toBe(before)
  })
})

describe('product rules', () => {
  it('exposes the shop currency on every product', async () => {
    await shop.api.post('/api/products', product('CUR-1'), { token: admin.token })
    const res = await shop.api.get('/api/products/CUR-1')
    expect(res.body.currency).toBe('RUB')
  })

  it('refuses invalid SKUs, prices, units and steps with 400 and stores nothing', async () => {
    const bad = [
      product('has space'),
      product("quote'OR1=1--"),
      product('x'.repeat(65)),
      product(''),
      product('ПРОДУКТ'),
      product('PRICE-FRACTION', { price: 199.9 }),
      product('PRICE-NEGATIVE', { price: -1 }),
      product('PRICE-STRING', { price: 'a lot' }),
      product('UNIT-BAD', { unit: 'bucket' }),
      product('STEP-ZERO', { quantityStep: 0 }),
      product('STEP-NEGATIVE', { quantityStep: -0.1 }),
      product('STEP-FINE', { quantityStep: 0.0001 }),
      product('STEP-PCS-HALF', { unit: 'pcs', quantityStep: 0.5 }),
      { id: 'NO-NAME', price: 1, unit: 'pcs' },
      { id: 'NO-PRICE', name: 'x', unit: 'pcs' },
    ]
    const before = await count('products')
    for (const body of bad) {
      const res = await shop.api.post('/api/products', body, { token: admin.token })
      expect({ id: body.id, status: res.status }).toEqual({ id: body.id, status: 400 })
      expect(res.body.errors?.[0]?.message).toEqual(expect.any(String))
    }
    expect(await count('products')).toBe(before)
  })

  it('keeps SKUs case-sensitive and unique', async () => {
    expect((await shop.api.post('/api/products', product('Case-1'), { token: admin.token })).status).toBe(201)
    expect((await shop.api.post('/api/products', product('CASE-1'), { token: admin.token })).status).toBe(201)
    const dup = await shop.api.post('/api/products', product('Case-1', { name: 'Other' }), { token: admin.token })
    expect([400, 409]).toContain(dup.status)
    const rows = await sqlRows<{ id: string; name: string }>(shop, "SELECT id, name FROM products WHERE lower(id) = 'case-1' ORDER BY id")
    expect(rows).toEqual([
      { id: 'CASE-1', name: 'Product CASE-1' },
      { id: 'Case-1', name: 'Product Case-1' },
    ])
  })

  it('never changes a SKU after creation', async () => {
    await shop.api.post('/api/products', product('FIXED-1'), { token: admin.token })
    const res = await shop.api.patch('/api/products/FIXED-1', { id: 'MOVED-1', name: 'Renamed' }, { token: admin.token })
    expect(res.status).toBe(200)
    expect(res.body.doc.id).toBe('FIXED-1')
    expect(await sqlRows(shop, "SELECT 1 FROM products WHERE id = 'MOVED-1'")).toHaveLength(0)
  })

  it('answers 404 for an unknown SKU, whatever it looks like', async () => {
    for (const sku of ['NO-SUCH-SKU', encodeURIComponent("' OR 1=1--"), '%25', encodeURIComponent('\\')]) {
      const res = await shop.api.get(`/api/products/${sku}`)
      expect(res.status).toBe(404)
    }
  })

  it('defaults the step from the unit', async () => {
    const kg = await shop.api.post('/api/products', { id: 'STEP-DEF-KG', name: 'Kg', price: 100, unit: 'kg' }, { token: admin.token })
    expect(kg.body.doc.quantityStep).toBe(0.1)
    const pcs = await shop.api.post('/api/products', { id: 'STEP-DEF-PCS', name: 'Pcs', price: 100, unit: 'pcs' }, { token: admin.token })
    expect(pcs.body.doc.quantityStep).toBe(1)
  })

  it('refuses malformed JSON with 400', async () => {
    const before = await count('products')
    const res = await shop.api.request('POST', '/api/products', {
      token: admin.token,
      raw: '{"id": "BROKEN", "name": ',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(res.status).toBe(400)
    expect(await count('products')).toBe(before)
  })

  it('refuses to delete a product or pickup point that has stock (409), and keeps both', async () => {
    await shop.api.post('/api/products', product('STOCKED-1'), { token: admin.token })
    const stock = await shop.api.post('/api/stock', { product: 'STOCKED-1', store: storeId, quantity: 2.5 }, { token: admin.token })
    expect(stock.status).toBe(201)
    const delProduct = await shop.api.delete('/api/products/STOCKED-1', { token: admin.token })
    expect(delProduct.status).toBe(409)
    const delStore = await shop.api.delete(`/api/stores/${storeId}`, { token: admin.token })
    expect(delStore.status).toBe(409)
    expect(await sqlRows(shop, "SELECT 1 FROM products WHERE id = 'STOCKED-1'")).toHaveLength(1)
    expect(await sqlRows(shop, 'SELECT 1 FROM stores WHERE id = $1', [storeId])).toHaveLength(1)
    expect(await sqlRows(shop, 'SELECT 1 FROM stock WHERE id = $1', [stock.body.doc.id])).toHaveLength(1)
  })
})
