// Stock as a ledger: onHand and reserved per product and pickup point, every change a movement written in
// the same transaction; deliveries, stocktakes and write-offs (once per Idempotency-Key); the low-stock
// list; who sees which numbers. Every refusal is checked to have changed nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { assemble, contact, fillCart, snapshot, stockDisagreements } from '../helpers/fixtures'
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
  for (const product of [
    { id: 'CHEESE', name: 'Cheese', price: 89900, unit: 'kg', quantityStep: 0.1 },
    { id: 'MILK', name: 'Milk', price: 8990, unit: 'pcs' },
    { id: 'HAM', name: 'Ham', price: 19990, unit: 'kg', quantityStep: 0.1 },
    { id: 'EGGS', name: 'Eggs', price: 12000, unit: 'pcs' },
  ]) {
    await shop.api.post('/api/products', product, { token: admin.token })
  }
})
afterAll(async () => {
  await shop?.stop()
})

const adminGet = async (id: number) => (await shop.api.get(`/api/stock/${id}?depth=0`, { token: admin.token })).body
const movementsOf = (id: number) =>
  sqlRows<{ type: string; on_hand_delta: string; reserved_delta: string; reason: string | null; by_id: number | null; note: string | null }>(
    shop,
    'SELECT type, on_hand_delta::text, reserved_delta::text, reason::text, by_id, note FROM stock_movements WHERE stock_id = $1 ORDER BY id',
    [id],
  )
async function newRow(product: string, store: number, onHand: number, extra: Record<string, unknown> = {}) {
  const res = await shop.api.post('/api/stock', { product, store, onHand, ...extra }, { token: admin.token })
  expect(res.status).toBe(201)
  return res.body.doc.id as number
}
/** The row of `product` at `store`, created with `onHand` if there is none yet. */
async function rowOf(product: string, store: number, onHand = 10) {
  const [row] = await sqlRows<{ id: number }>(shop, 'SELECT id FROM stock WHERE product_id = $1 AND store_id = $2', [product, store])
  return row ? row.id : newRow(product, store, onHand)
}
const post = (id: number, op: string, body: unknown, headers: Record<string, string> = {}, token = admin.token) =>
  shop.api.post(`/api/stock/${id}/${op}`, body, { token, headers })

describe('stock rows', () => {
  it('are created by admins with an `initial` movement; the public sees product, store and available only', async () => {
    const id = await newRow('CHEESE', storeA, 12.3, { lowStockThreshold: 2 })
    expect(await movementsOf(id)).toEqual([{ type: 'initial', on_hand_delta: '12.3', reserved_delta: '0', reason: null, by_id: admin.id, note: null }])
    expect(await adminGet(id)).toMatchObject({ product: 'CHEESE', store: storeA, onHand: 12.3, reserved: 0, available: 12.3, lowStockThreshold: 2 })
    for (const token of [undefined, buyer.token]) {
      const list = await shop.api.get(`/api/stock?where[product][equals]=CHEESE&depth=0`, { token })
      expect(list.status).toBe(200)
      const { id: _id, createdAt: _c, updatedAt: _u, ...visible } = list.body.docs[0]
      expect(visible).toEqual({ product: 'CHEESE', store: storeA, available: 12.3 })
      // Filtering or sorting on a hidden number is the same refusal whatever the value: no oracle.
      expect((await shop.api.get('/api/stock?where[onHand][greater_than]=1', { token })).status).toBe(400)
      expect((await shop.api.get('/api/stock?sort=reserved', { token })).status).toBe(400)
    }
  })

  it('the answer to a create has the same shape as a read: available included', async () => {
    await shop.api.post('/api/products', { id: 'BUTTER', name: 'Butter', price: 25000, unit: 'kg', quantityStep: 0.1 }, { token: admin.token })
    const res = await shop.api.post('/api/stock?depth=0', { product: 'BUTTER', store: storeA, onHand: 4.5 }, { token: admin.token })
    expect(res.status).toBe(201)
    expect(res.body.doc).toMatchObject({ product: 'BUTTER', store: storeA, onHand: 4.5, reserved: 0, available: 4.5 })
    // Every key of a read but the movements (a join, which Payload fills on reads only).
    const read = Object.keys(await adminGet(res.body.doc.id)).filter((k) => k !== 'movements')
    expect(Object.keys(res.body.doc).sort()).toEqual(read.sort())
  })

  it('only admins create, nobody deletes; a duplicate, an unknown product or store, a bad number: 400/409, nothing stored', async () => {
    const id = await newRow('MILK', storeB, 5)
    const before = await snapshot(shop)
    for (const token of [undefined, buyer.token]) {
      expect((await shop.api.post('/api/stock', { product: 'EGGS', store: storeA, onHand: 1 }, { token })).status).toBe(403)
      expect((await shop.api.delete(`/api/stock/${id}`, { token })).status).toBe(403)
    }
    expect((await shop.api.delete(`/api/stock/${id}`, { token: admin.token })).status).toBe(403)
    expect([400, 409]).toContain((await shop.api.post('/api/stock', { product: 'MILK', store: storeB, onHand: 7 }, { token: admin.token })).status)
    for (const body of [
      { product: 'NO-SUCH', store: storeA, onHand: 1 },
      { product: 'EGGS', store: 999999, onHand: 1 },
      { product: 'EGGS', store: 'abc', onHand: 1 },
      { product: "' OR 1=1--", store: storeA, onHand: 1 },
      { product: 'EGGS', store: storeA, onHand: -1 },
      { product: 'EGGS', store: storeA, onHand: 1e9 + 1 },
      { product: 'EGGS', store: storeA, onHand: 'lots' },
      { product: 'EGGS', store: storeA, onHand: 1.5 }, // pieces come whole
      { product: 'HAM', store: storeA, onHand: 1.0001 },
      { product: 'HAM', store: storeA, onHand: 1, reserved: 1 },
    ]) {
      const res = await shop.api.post('/api/stock', body, { token: admin.token })
      // The last one is accepted: a client's `reserved` is ignored (reserved comes only from orders).
      if ('reserved' in body) expect({ status: res.status, reserved: res.body.doc?.reserved }).toEqual({ status: 201, reserved: 0 })
      else expect({ body, status: res.status }).toEqual({ body, status: 400 })
    }
    const after = await snapshot(shop)
    // The one accepted body (HAM with a client-sent `reserved`) added exactly its row, reserved 0.
    expect(after.stock.filter((r: any) => !before.stock.some((b: any) => b.product_id === r.product_id && b.store_id === r.store_id))).toEqual([
      { product_id: 'HAM', store_id: storeA, on_hand: '1', reserved: '0', low_stock_threshold: null, movements: 1 },
    ])
    expect({ ...after, stock: before.stock }).toEqual({ ...before })
  })

  it('PATCH changes the low-stock threshold only; onHand, reserved or available → 400 naming the operation, nothing changed', async () => {
    const id = await newRow('EGGS', storeA, 30)
    const ok = await shop.api.patch(`/api/stock/${id}`, { lowStockThreshold: 5 }, { token: admin.token })
    expect(ok.status).toBe(200)
    expect(ok.body.doc).toMatchObject({ id, lowStockThreshold: 5, onHand: 30 })
    const before = await snapshot(shop)
    for (const [field, operation] of [
      ['onHand', /receive, \/count or \/write-off/],
      ['reserved', /checkout, cancellation and hand-over/],
      ['available', /receive, count or write off/],
    ] as const) {
      const res = await shop.api.patch(`/api/stock/${id}`, { lowStockThreshold: 5, [field]: 999 }, { token: admin.token })
      expect({ field, status: res.status }).toEqual({ field, status: 400 })
      expect(JSON.stringify(res.body)).toMatch(operation)
    }
    expect((await shop.api.patch(`/api/stock/${id}`, { lowStockThreshold: -1 }, { token: admin.token })).status).toBe(400)
    expect((await shop.api.patch(`/api/stock/${id}`, { lowStockThreshold: 1 }, { token: buyer.token })).status).toBe(403)
    expect((await shop.api.patch(`/api/stock/${id}`, { lowStockThreshold: 1 })).status).toBe(401)
    expect((await shop.api.patch('/api/stock/999999', { lowStockThreshold: 1 }, { token: admin.token })).status).toBe(404)
    // Bulk updates through Payload's generic route are closed.
    expect((await shop.api.patch('/api/stock?where[id][equals]=' + id, { lowStockThreshold: 1 }, { token: admin.token })).status).toBe(403)
    expect(await snapshot(shop)).toEqual(before)
    const cleared = await shop.api.patch(`/api/stock/${id}`, { lowStockThreshold: null }, { token: admin.token })
    expect(cleared.body.doc.lowStockThreshold).toBeNull()
  })
})

describe('deliveries, stocktakes and write-offs', () => {
  it('receive adds to onHand, with a `receipt` movement naming who and why; exact decimals', async () => {
    const id = await newRow('HAM', storeB, 0.1)
    const res = await post(id, 'receive', { quantity: 0.2, note: 'delivery 17' })
    expect(res.status).toBe(200)
    expect(res.body.doc).toEqual({ id, product: 'HAM', store: storeB, onHand: 0.3, reserved: 0, available: 0.3, lowStockThreshold: null })
    expect((await movementsOf(id)).at(-1)).toEqual({ type: 'receipt', on_hand_delta: '0.2', reserved_delta: '0', reason: null, by_id: admin.id, note: 'delivery 17' })
    expect(await sqlRows(shop, 'SELECT on_hand::text FROM stock WHERE id = $1', [id])).toEqual([{ on_hand: '0.3' }])
  })

  it('count sets onHand to what was counted and records the difference, also below what is reserved (a shortfall)', async () => {
    const id = await newRow('CHEESE', storeB, 10)
    const down = await post(id, 'count', { onHand: 8.57 })
    expect(down.status).toBe(200)
    expect(down.body.doc).toMatchObject({ onHand: 8.57, available: 8.57 })
    expect((await movementsOf(id)).at(-1)).toMatchObject({ type: 'count', on_hand_delta: '-1.43' })
    const up = await post(id, 'count', { onHand: 9 })
    expect((await movementsOf(id)).at(-1)).toMatchObject({ type: 'count', on_hand_delta: '0.43' })
    expect(up.body.doc.onHand).toBe(9)
    expect((await post(id, 'count', { onHand: 0 })).body.doc.onHand).toBe(0)
  })

  it('write-off takes from onHand with its reason; more than is on hand → 409; no reason → 400; nothing changed', async () => {
    const id = await newRow('MILK', storeA, 10)
    const res = await post(id, 'write-off', { quantity: 2, reason: 'expired', note: 'best before 28.11' })
    expect(res.status).toBe(200)
    expect(res.body.doc.onHand).toBe(8)
    expect((await movementsOf(id)).at(-1)).toMatchObject({ type: 'write_off', on_hand_delta: '-2', reason: 'expired', note: 'best before 28.11' })
    const before = await snapshot(shop)
    expect((await post(id, 'write-off', { quantity: 9, reason: 'damaged' })).status).toBe(409)
    expect((await post(id, 'write-off', { quantity: 1 })).status).toBe(400)
    expect((await post(id, 'write-off', { quantity: 1, reason: 'stolen by aliens' })).status).toBe(400)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('refuses bad quantities, unknown fields, other users and unknown rows: 400/401/403/404, nothing changed', async () => {
    const pieces = await newRow('EGGS', storeB, 10)
    const weighed = await rowOf('HAM', storeB)
    const before = await snapshot(shop)
    for (const [id, op, body] of [
      [weighed, 'receive', { quantity: 0 }],
      [weighed, 'receive', { quantity: -1 }],
      [weighed, 'receive', { quantity: 0.0001 }],
      [weighed, 'receive', { quantity: 1e9 + 1 }],
      [weighed, 'receive', { quantity: '1' }],
      [weighed, 'receive', { quantity: null }],
      [weighed, 'receive', {}],
      [weighed, 'receive', { quantity: 1, price: 5 }],
      [pieces, 'receive', { quantity: 1.5 }],
      [weighed, 'count', { onHand: -0.001 }],
      [weighed, 'count', { onHand: 1.2345 }],
      [pieces, 'count', { onHand: 2.5 }],
      [weighed, 'write-off', { quantity: 0, reason: 'damaged' }],
      [pieces, 'write-off', { quantity: 0.5, reason: 'damaged' }],
    ] as const) {
      const res = await post(id, op, body)
      expect({ op, body, status: res.status }).toEqual({ op, body, status: 400 })
    }
    for (const op of ['receive', 'count', 'write-off']) {
      const body = op === 'count' ? { onHand: 1 } : { quantity: 1, reason: 'damaged' }
      const clean = op === 'receive' ? { quantity: 1 } : body
      expect((await post(pieces, op, clean, {}, buyer.token)).status).toBe(403)
      expect((await shop.api.post(`/api/stock/${pieces}/${op}`, clean)).status).toBe(401)
      expect((await post(999999, op, clean)).status).toBe(404)
      expect((await post(Number.NaN, op, clean)).status).toBe(404)
    }
    expect(await snapshot(shop)).toEqual(before)
  })

  it('with an Idempotency-Key: the same key and body answer the first answer again and apply once; another body → 422', async () => {
    const id = await rowOf('CHEESE', storeA)
    const start = (await adminGet(id)).onHand as number
    const key = { 'Idempotency-Key': 'delivery-2026-11-29-001' }
    const [first, second] = await Promise.all([post(id, 'receive', { quantity: 1.5 }, key), post(id, 'receive', { quantity: 1.5 }, key)])
    expect([first.status, second.status]).toEqual([200, 200])
    expect(second.body).toEqual(first.body)
    const third = await post(id, 'receive', { quantity: 1.5 }, key)
    expect(third.body).toEqual(first.body)
    expect((await adminGet(id)).onHand).toBe(Number((start + 1.5).toFixed(3)))
    const before = await snapshot(shop)
    expect((await post(id, 'receive', { quantity: 2 }, key)).status).toBe(422)
    expect(await snapshot(shop)).toEqual(before)
    // A key belongs to its user and its operation: the same key elsewhere is a new request.
    expect((await post(id, 'count', { onHand: 4 }, key)).status).toBe(200)
    // A refused request forgets its key: fixed and sent again, it runs.
    const failKey = { 'Idempotency-Key': 'write-off-1' }
    expect((await post(id, 'write-off', { quantity: 100, reason: 'lost' }, failKey)).status).toBe(409)
    expect((await post(id, 'write-off', { quantity: 1, reason: 'lost' }, failKey)).status).toBe(200)
    expect((await post(id, 'receive', { quantity: 1 }, { 'Idempotency-Key': 'bad key with spaces' })).status).toBe(400)
  })
})

describe('the ledger', () => {
  it('movements are readable by admins only, filterable by stock, type and date, and append-only', async () => {
    const id = await rowOf('EGGS', storeA)
    await post(id, 'receive', { quantity: 6 })
    const list = await shop.api.get(`/api/stock-movements?where[stock][equals]=${id}&where[type][equals]=receipt&sort=-createdAt&depth=0`, { token: admin.token })
    expect(list.status).toBe(200)
    expect(list.body.docs[0]).toMatchObject({ stock: id, product: 'EGGS', type: 'receipt', onHandDelta: 6, reservedDelta: 0, by: admin.id })
    const since = await shop.api.get(`/api/stock-movements?where[createdAt][greater_than]=2000-01-01&limit=1`, { token: admin.token })
    expect(since.body.totalDocs).toBeGreaterThan(0)
    const movementId = list.body.docs[0].id
    const before = await snapshot(shop)
    for (const token of [undefined, buyer.token]) expect((await shop.api.get('/api/stock-movements', { token })).status).toBe(403)
    for (const token of [undefined, buyer.token, admin.token]) {
      expect((await shop.api.post('/api/stock-movements', { stock: id, product: 'EGGS', store: storeA, type: 'receipt', onHandDelta: 100 }, { token })).status).toBe(403)
      expect((await shop.api.patch(`/api/stock-movements/${movementId}`, { onHandDelta: 100 }, { token })).status).toBe(403)
      expect((await shop.api.delete(`/api/stock-movements/${movementId}`, { token })).status).toBe(403)
    }
    await expect(sqlRows(shop, 'UPDATE stock_movements SET on_hand_delta = 100 WHERE id = $1', [movementId])).rejects.toThrow(/append-only/)
    await expect(sqlRows(shop, 'DELETE FROM stock_movements WHERE id = $1', [movementId])).rejects.toThrow(/append-only/)
    expect(await snapshot(shop)).toEqual(before)
  })

  it('the database refuses negative numbers whatever the code does', async () => {
    await expect(sqlRows(shop, 'UPDATE stock SET on_hand = -1')).rejects.toThrow(/stock_on_hand_not_negative/)
    await expect(sqlRows(shop, 'UPDATE stock SET reserved = -1')).rejects.toThrow(/stock_reserved_not_negative/)
  })

  it('checkout reserves (onHand stays), a decline releases, a hand-over takes both; a shortfall stops sales; the sums hold', async () => {
    await shop.api.post('/api/products', { id: 'KEFIR', name: 'Kefir', price: 9990, unit: 'pcs' }, { token: admin.token })
    const id = await newRow('KEFIR', storeA, 3)
    const checkout = (who: Account, paymentToken = 'tok_visa') =>
      shop.api.post('/api/checkout', { pickupPoint: storeA, contact, paymentToken }, { token: who.token })
    const [a, b, c] = [await registerBuyer(shop), await registerBuyer(shop), await registerBuyer(shop)]
    await fillCart(shop, a, { KEFIR: 2 })
    const paid = await checkout(a)
    expect(paid.status).toBe(201)
    expect(await adminGet(id)).toMatchObject({ onHand: 3, reserved: 2, available: 1 })
    expect((await movementsOf(id)).at(-1)).toMatchObject({ type: 'reservation', on_hand_delta: '0', reserved_delta: '2' })

    await fillCart(shop, b, { KEFIR: 1 })
    expect((await checkout(b, 'tok_chargeDeclined')).status).toBe(402)
    expect(await adminGet(id)).toMatchObject({ onHand: 3, reserved: 2, available: 1 })
    expect((await movementsOf(id)).slice(-2).map((m) => [m.type, m.reserved_delta])).toEqual([['reservation', '1'], ['release', '-1']])

    // A stocktake finds one missing: 2 on the shelf, 2 reserved → nothing left to sell.
    expect((await post(id, 'count', { onHand: 2 })).body.doc).toMatchObject({ onHand: 2, reserved: 2, available: 0 })
    await fillCart(shop, c, { KEFIR: 1 })
    const refused = await checkout(c)
    expect(refused.status).toBe(409)
    expect(refused.body.lines).toEqual([{ sku: 'KEFIR', requested: 1, available: 0 }])
    // One more lost: a shortfall of 1.
    await post(id, 'count', { onHand: 1 })
    const low = await shop.api.get('/api/stock/low', { token: admin.token })
    expect(low.body.docs[0]).toMatchObject({ id, onHand: 1, reserved: 2, available: -1, shortfall: 1 })

    // Assembled as ordered; handing over 2 with 1 on the premises is refused (count again, or cancel):
    // nothing changes.
    expect((await assemble(shop, admin.token, paid.body.order.id)).status).toBe(200)
    const before = await snapshot(shop)
    const short = await shop.api.post('/api/pickup', { code: paid.body.order.pickupCode }, { token: admin.token })
    expect(short.status).toBe(409)
    expect(JSON.stringify(short.body)).toMatch(/KEFIR/)
    expect(await snapshot(shop)).toEqual(before)
    // The missing one turns up: received, then handed over; nothing is left reserved.
    await post(id, 'receive', { quantity: 1 })
    expect((await shop.api.post('/api/pickup', { code: paid.body.order.pickupCode }, { token: admin.token })).status).toBe(200)
    expect(await adminGet(id)).toMatchObject({ onHand: 0, reserved: 0, available: 0 })
    expect((await movementsOf(id)).at(-1)).toMatchObject({ type: 'handout', on_hand_delta: '-2', reserved_delta: '-2', by_id: admin.id })
    expect(await stockDisagreements(shop)).toEqual([])
  })

  it('GET /api/stock/low: rows at or below their threshold and every shortfall, shortfalls first; admins only', async () => {
    const id = await rowOf('EGGS', storeB)
    await shop.api.patch(`/api/stock/${id}`, { lowStockThreshold: 100 }, { token: admin.token })
    const res = await shop.api.get('/api/stock/low', { token: admin.token })
    expect(res.status).toBe(200)
    const docs = res.body.docs as Array<{ id: number; shortfall: number; available: number; lowStockThreshold: number | null }>
    expect(docs.map((d) => d.id)).toContain(id)
    // Shortfalls first (largest first), then the rest by what is available.
    const shortfalls = docs.filter((d) => d.shortfall > 0)
    expect(docs.slice(0, shortfalls.length)).toEqual(shortfalls)
    for (const d of docs) expect(d.shortfall > 0 || (d.lowStockThreshold !== null && d.available <= d.lowStockThreshold)).toBe(true)
    const rows = await sqlRows<{ id: number }>(shop, 'SELECT id FROM stock WHERE on_hand - reserved < 0 OR on_hand - reserved <= low_stock_threshold ORDER BY id')
    expect(docs.map((d) => d.id).sort((x, y) => x - y)).toEqual(rows.map((r) => r.id))
    for (const token of [undefined, buyer.token]) expect((await shop.api.get('/api/stock/low', { token })).status).toBe(token ? 403 : 401)
    expect(await stockDisagreements(shop)).toEqual([])
  })
})
