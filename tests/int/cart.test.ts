// The cart: kept in PostgreSQL per buyer, exact quantities in each product's unit, one write per change.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { createAdmin, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let admin: Account

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  const products = [
    { id: 'APPLES', name: 'Яблоки', price: 19990, unit: 'kg', quantityStep: 0.1 },
    { id: 'MILK', name: 'Молоко', price: 8990, unit: 'pcs', quantityStep: 1 },
    { id: 'GONE', name: 'Снято с продажи', price: 500, unit: 'pcs', quantityStep: 1 },
  ]
  for (const p of products) await shop.api.post('/api/products', p, { token: admin.token })
})
afterAll(async () => {
  await shop?.stop()
})

const linesOf = (buyer: Account) =>
  sqlRows<{ sku: string; quantity: string }>(
    shop,
    'SELECT l.product_id AS sku, l.quantity::text FROM cart_lines l JOIN carts c ON c.id = l.cart_id WHERE c.buyer_id = $1 ORDER BY l.product_id',
    [buyer.id],
  )

describe('cart', () => {
  it('needs a login (401) on every cart endpoint', async () => {
    const calls = [
      shop.api.get('/api/cart'),
      shop.api.delete('/api/cart'),
      shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 1 }),
      shop.api.patch('/api/cart/items/MILK', { quantity: 1 }),
      shop.api.delete('/api/cart/items/MILK'),
    ]
    for (const res of await Promise.all(calls)) expect(res.status).toBe(401)
    expect(await sqlRows(shop, 'SELECT 1 FROM cart_lines')).toHaveLength(0)
  })

  it('adds, sets and removes lines, with exact totals (0.3 kg × 199.90 = 59.97)', async () => {
    const buyer = await registerBuyer(shop)
    const empty = await shop.api.get('/api/cart', { token: buyer.token })
    expect(empty.body).toEqual({ items: [], total: 0, hold: 0, currency: 'RUB' })

    const first = await shop.api.post('/api/cart/items', { sku: 'APPLES', quantity: 0.1 }, { token: buyer.token })
    expect(first.status).toBe(200)
    const second = await shop.api.post('/api/cart/items', { sku: 'APPLES', quantity: 0.2 }, { token: buyer.token })
    expect(second.body.items).toEqual([
      { sku: 'APPLES', name: 'Яблоки', unit: 'kg', quantityStep: 0.1, quantity: 0.3, unitPrice: 19990, lineTotal: 5997, available: true, weighed: true },
    ])
    expect(second.body.total).toBe(5997)
    expect(await linesOf(buyer)).toEqual([{ sku: 'APPLES', quantity: '0.3' }])

    await shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 2 }, { token: buyer.token })
    const set = await shop.api.patch('/api/cart/items/MILK', { quantity: 3 }, { token: buyer.token })
    expect(set.body.total).toBe(5997 + 3 * 8990)
    // The hold checkout would place: the total plus 10 % of the weighed lines (599.7 rounded up to 600).
    expect(set.body.hold).toBe(5997 + 3 * 8990 + 600)
    expect(set.body.items.map((i: { weighed: boolean }) => i.weighed)).toEqual([true, false])
    const removed = await shop.api.patch('/api/cart/items/MILK', { quantity: 0 }, { token: buyer.token })
    expect(removed.body.items.map((i: { sku: string }) => i.sku)).toEqual(['APPLES'])
    const deleted = await shop.api.delete('/api/cart/items/APPLES', { token: buyer.token })
    expect(deleted.body).toEqual({ items: [], total: 0, hold: 0, currency: 'RUB' })
    expect(await linesOf(buyer)).toEqual([])
  })

  it('keeps each buyer\'s cart to themselves and across logins', async () => {
    const a = await registerBuyer(shop)
    const b = await registerBuyer(shop)
    await shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 1 }, { token: a.token })
    expect((await shop.api.get('/api/cart', { token: b.token })).body.items).toEqual([])
    const relogin = await shop.api.post('/api/users/login', { email: a.email, password: a.password })
    expect((await shop.api.get('/api/cart', { token: relogin.body.token })).body.items).toHaveLength(1)
    // Generic REST: a buyer sees only their own cart, and nobody writes carts through it.
    const carts = await shop.api.get('/api/carts', { token: b.token })
    expect(carts.body.docs).toEqual([])
    expect((await shop.api.post('/api/carts', { buyer: b.id }, { token: b.token })).status).toBe(403)
    expect((await shop.api.get('/api/cart-lines', { token: a.token })).status).toBe(403)
  })

  it('shows a line whose product went off sale as unavailable and counts nothing for it', async () => {
    const buyer = await registerBuyer(shop)
    await shop.api.post('/api/cart/items', { sku: 'GONE', quantity: 2 }, { token: buyer.token })
    await shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 1 }, { token: buyer.token })
    await shop.api.patch('/api/products/GONE', { active: false }, { token: admin.token })
    const cart = await shop.api.get('/api/cart', { token: buyer.token })
    expect(cart.body.items.find((i: { sku: string }) => i.sku === 'GONE')).toEqual(
      expect.objectContaining({ available: false, lineTotal: 0, quantity: 2 }),
    )
    expect(cart.body.total).toBe(8990)
    // It can be removed, but not added to.
    expect((await shop.api.post('/api/cart/items', { sku: 'GONE', quantity: 1 }, { token: buyer.token })).status).toBe(404)
    expect((await shop.api.delete('/api/cart/items/GONE', { token: buyer.token })).status).toBe(200)
    await shop.api.patch('/api/products/GONE', { active: true }, { token: admin.token })
  })

  it('refuses bad quantities and SKUs with a 4xx and changes nothing', async () => {
    const buyer = await registerBuyer(shop)
    await shop.api.post('/api/cart/items', { sku: 'APPLES', quantity: 0.5 }, { token: buyer.token })
    const before = await linesOf(buyer)
    const bad: Array<[unknown, number]> = [
      [{ sku: 'APPLES', quantity: 0 }, 400],
      [{ sku: 'APPLES', quantity: -1 }, 400],
      [{ sku: 'APPLES', quantity: '2' }, 400],
      [{ sku: 'APPLES', quantity: null }, 400],
      [{ sku: 'APPLES', quantity: 2 ** 53 }, 400],
      [{ sku: 'APPLES', quantity: 0.35 }, 400],
      [{ sku: 'APPLES', quantity: 0.0001 }, 400],
      [{ sku: 'MILK', quantity: 1.5 }, 400],
      [{ sku: 'APPLES', quantity: 9999.9 }, 400],
      [{ sku: 'NO-SUCH', quantity: 1 }, 404],
      [{ sku: "' OR 1=1--", quantity: 1 }, 400],
      [{ sku: 'A%', quantity: 1 }, 400],
      [{ quantity: 1 }, 400],
      [[], 400],
    ]
    for (const [body, status] of bad) {
      const res = await shop.api.post('/api/cart/items', body, { token: buyer.token })
      expect({ body, status: res.status }).toEqual({ body, status })
      expect(res.body.errors[0].message).toEqual(expect.any(String))
    }
    const overflow = await shop.api.request('POST', '/api/cart/items', {
      token: buyer.token,
      raw: '{"sku":"APPLES","quantity":1e309}',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(overflow.status).toBe(400)
    const malformed = await shop.api.request('POST', '/api/cart/items', {
      token: buyer.token,
      raw: '{"sku": ',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(malformed.status).toBe(400)
    expect((await shop.api.patch('/api/cart/items/APPLES', { quantity: 0.25 }, { token: buyer.token })).status).toBe(400)
    expect((await shop.api.patch('/api/cart/items/MILK', { quantity: 1 }, { token: buyer.token })).status).toBe(404)
    expect((await shop.api.delete('/api/cart/items/MILK', { token: buyer.token })).status).toBe(404)
    expect(await linesOf(buyer)).toEqual(before)
  })

  it('an add answers with the whole cart as it now is: the other lines in their order, the added line summed', async () => {
    const buyer = await registerBuyer(shop)
    await shop.api.post('/api/cart/items', { sku: 'APPLES', quantity: 0.1 }, { token: buyer.token })
    await shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 1 }, { token: buyer.token })
    const added = await shop.api.post('/api/cart/items', { sku: 'APPLES', quantity: 0.2 }, { token: buyer.token })
    expect(added.status).toBe(200)
    expect(added.body.items.map((i: { sku: string; quantity: number }) => [i.sku, i.quantity])).toEqual([
      ['APPLES', 0.3],
      ['MILK', 1],
    ])
    expect(added.body).toEqual((await shop.api.get('/api/cart', { token: buyer.token })).body)
    const again = await shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 2 }, { token: buyer.token })
    expect(again.body).toEqual((await shop.api.get('/api/cart', { token: buyer.token })).body)
    expect(again.body.total).toBe(5997 + 3 * 8990)
  })

  it('caps a line: adds that would pass the cap are refused', async () => {
    const buyer = await registerBuyer(shop)
    expect((await shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 9999 }, { token: buyer.token })).status).toBe(200)
    expect((await shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 1 }, { token: buyer.token })).status).toBe(400)
    expect(await linesOf(buyer)).toEqual([{ sku: 'MILK', quantity: '9999' }])
  })

  it('loses no update under parallel adds: 20 adds of 1 make 20', async () => {
    const buyer = await registerBuyer(shop)
    const results = await Promise.all(
      Array.from({ length: 20 }, () => shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 1 }, { token: buyer.token })),
    )
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200))
    expect(await linesOf(buyer)).toEqual([{ sku: 'MILK', quantity: '20' }])
  })

  it('says what a pickup point has of each line; an unknown or closed one is a 404, a bad id a 400', async () => {
    const buyer = await registerBuyer(shop)
    await shop.api.post('/api/cart/items', { sku: 'APPLES', quantity: 1.5 }, { token: buyer.token })
    await shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 2 }, { token: buyer.token })
    const store = await shop.api.post('/api/stores', { name: 'Point', address: 'Street 1' }, { token: admin.token })
    const closed = await shop.api.post('/api/stores', { name: 'Closed', address: 'Street 2', active: false }, { token: admin.token })
    await sqlRows(shop, "INSERT INTO stock (product_id, store_id, on_hand, reserved) VALUES ('APPLES', $1, 1.2, 0.2)", [store.body.doc.id])
    // Another point's stock is not this one's.
    await sqlRows(shop, "INSERT INTO stock (product_id, store_id, on_hand, reserved) VALUES ('APPLES', $1, 50, 0), ('MILK', $1, 7, 0)", [closed.body.doc.id])
    const cart = await shop.api.get(`/api/cart?store=${store.body.doc.id}`, { token: buyer.token })
    expect(cart.body.items.map((i: { sku: string; availableAtStore: number }) => [i.sku, i.availableAtStore])).toEqual([['APPLES', 1], ['MILK', 0]])
    expect((await shop.api.get('/api/cart', { token: buyer.token })).body.items[0]).not.toHaveProperty('availableAtStore')
    expect((await shop.api.get(`/api/cart?store=${closed.body.doc.id}`, { token: buyer.token })).status).toBe(404)
    expect((await shop.api.get('/api/cart?store=-1', { token: buyer.token })).status).toBe(400)
    expect(await linesOf(buyer)).toEqual([{ sku: 'APPLES', quantity: '1.5' }, { sku: 'MILK', quantity: '2' }])
  })

  it('refuses a product whose step has more than 3 decimals (only raw SQL could store one) and writes nothing', async () => {
    const buyer = await registerBuyer(shop)
    await sqlRows(shop, "INSERT INTO products (id, name, price, unit, quantity_step) VALUES ('ODD-STEP', 'Odd', 100, 'kg', 0.0005)")
    for (const quantity of [1, 0.5, 9999]) {
      expect((await shop.api.post('/api/cart/items', { sku: 'ODD-STEP', quantity }, { token: buyer.token })).status).toBe(404)
    }
    expect(await linesOf(buyer)).toEqual([])
    expect(await sqlRows(shop, 'SELECT 1 FROM carts WHERE buyer_id = $1', [buyer.id])).toEqual([])
  })

  it('empties the cart', async () => {
    const buyer = await registerBuyer(shop)
    await shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 1 }, { token: buyer.token })
    await shop.api.post('/api/cart/items', { sku: 'APPLES', quantity: 1 }, { token: buyer.token })
    const res = await shop.api.delete('/api/cart', { token: buyer.token })
    expect(res.body).toEqual({ items: [], total: 0, hold: 0, currency: 'RUB' })
    expect(await linesOf(buyer)).toEqual([])
  })
})
