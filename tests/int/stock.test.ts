// Stock per pickup point: exact decimal quantities, one row per (product, store), valid references only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { createAdmin, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let admin: Account
let buyer: Account
let storeA: number
let storeB: number

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  buyer = await registerBuyer(shop)
  storeA = (await shop.api.post('/api/stores', { name: 'A', address: 'a' }, { token: admin.token })).body.doc.id
  storeB = (await shop.api.post('/api/stores', { name: 'B', address: 'b' }, { token: admin.token })).body.doc.id
  await shop.api.post('/api/products', { id: 'CHEESE', name: 'Cheese', price: 89900, unit: 'kg', quantityStep: 0.1 }, { token: admin.token })
  await shop.api.post('/api/products', { id: 'MILK', name: 'Milk', price: 8990, unit: 'pcs' }, { token: admin.token })
})
afterAll(async () => {
  await shop?.stop()
})

const stockRows = () => sqlRows<{ product_id: string; store_id: number; quantity: string }>(shop, 'SELECT product_id, store_id, quantity::text FROM stock ORDER BY id')

describe('stock', () => {
  it('is readable by everyone with its exact quantity, writable only by admins', async () => {
    const created = await shop.api.post('/api/stock', { product: 'CHEESE', store: storeA, quantity: 12.3 }, { token: admin.token })
    expect(created.status).toBe(201)
    for (const token of [undefined, buyer.token]) {
      const list = await shop.api.get('/api/stock?where[product][equals]=CHEESE', { token })
      expect(list.status).toBe(200)
      expect(list.body.docs[0].quantity).toBe(12.3)
      const before = await stockRows()
      expect((await shop.api.post('/api/stock', { product: 'MILK', store: storeA, quantity: 1 }, { token })).status).toBe(403)
      expect((await shop.api.patch(`/api/stock/${created.body.doc.id}`, { quantity: 999 }, { token })).status).toBe(403)
      expect((await shop.api.delete(`/api/stock/${created.body.doc.id}`, { token })).status).toBe(403)
      expect((await shop.api.post(`/api/stock/${created.body.doc.id}/adjust`, { delta: 1 }, { token })).status).toBe(token ? 403 : 401)
      expect(await stockRows()).toEqual(before)
    }
  })

  it('has one row per product and pickup point', async () => {
    await shop.api.post('/api/stock', { product: 'MILK', store: storeB, quantity: 5 }, { token: admin.token })
    const before = await stockRows()
    const dup = await shop.api.post('/api/stock', { product: 'MILK', store: storeB, quantity: 7 }, { token: admin.token })
    expect([400, 409]).toContain(dup.status)
    expect(await stockRows()).toEqual(before)
  })

  it('refuses unknown products and pickup points with 400, never a database error', async () => {
    const before = await stockRows()
    for (const body of [
      { product: 'NO-SUCH', store: storeA, quantity: 1 },
      { product: 'MILK', store: 999999, quantity: 1 },
      { product: 'MILK', store: 'abc', quantity: 1 },
      { product: "' OR 1=1--", store: storeA, quantity: 1 },
    ]) {
      const res = await shop.api.post('/api/stock', body, { token: admin.token })
      expect({ body, status: res.status }).toEqual({ body, status: 400 })
    }
    expect(await stockRows()).toEqual(before)
  })

  it('refuses negative, over-precise and off-step quantities', async () => {
    await shop.api.post('/api/stores', { name: 'C', address: 'c' }, { token: admin.token })
    const before = await stockRows()
    for (const quantity of [-1, 0.0001, 0.35, 'lots', null]) {
      const res = await shop.api.post('/api/stock', { product: 'CHEESE', store: storeB, quantity }, { token: admin.token })
      expect({ quantity, status: res.status }).toEqual({ quantity, status: 400 })
    }
    const halfMilk = await shop.api.post('/api/stock', { product: 'MILK', store: storeA, quantity: 1.5 }, { token: admin.token })
    expect(halfMilk.status).toBe(400)
    expect(await stockRows()).toEqual(before)
  })

  it('keeps decimal amounts exact: 0.1 kg + 0.2 kg is 0.3 kg', async () => {
    const row = await shop.api.post('/api/stock', { product: 'CHEESE', store: storeB, quantity: 0.1 }, { token: admin.token })
    expect(row.status).toBe(201)
    const adjusted = await shop.api.post(`/api/stock/${row.body.doc.id}/adjust`, { delta: 0.2 }, { token: admin.token })
    expect(adjusted.status).toBe(200)
    expect(adjusted.body.doc.quantity).toBe(0.3)
    const [db] = await sqlRows<{ quantity: string }>(shop, 'SELECT quantity::text FROM stock WHERE id = $1', [row.body.doc.id])
    expect(db!.quantity).toBe('0.3')
    const read = await shop.api.get(`/api/stock/${row.body.doc.id}`)
    expect(read.body.quantity).toBe(0.3)
  })

  it('adjusts only by whole steps and never below zero', async () => {
    const row = await shop.api.post('/api/stock', { product: 'MILK', store: storeA, quantity: 3 }, { token: admin.token })
    const id = row.body.doc.id
    const tooMuch = await shop.api.post(`/api/stock/${id}/adjust`, { delta: -4 }, { token: admin.token })
    expect(tooMuch.status).toBe(409)
    const offStep = await shop.api.post(`/api/stock/${id}/adjust`, { delta: 0.5 }, { token: admin.token })
    expect(offStep.status).toBe(400)
    const malformed = await shop.api.post(`/api/stock/${id}/adjust`, { delta: '1e3' }, { token: admin.token })
    expect(malformed.status).toBe(400)
    const missing = await shop.api.post('/api/stock/999999/adjust', { delta: 1 }, { token: admin.token })
    expect(missing.status).toBe(404)
    const [db] = await sqlRows<{ quantity: string }>(shop, 'SELECT quantity::text FROM stock WHERE id = $1', [id])
    expect(db!.quantity).toBe('3')
    const down = await shop.api.post(`/api/stock/${id}/adjust`, { delta: -3 }, { token: admin.token })
    expect(down.body.doc.quantity).toBe(0)
  })

  it('is guarded by the database too: a direct write below zero fails', async () => {
    await expect(sqlRows(shop, 'UPDATE stock SET quantity = -1')).rejects.toThrow(/stock_quantity_not_negative/)
  })
})
