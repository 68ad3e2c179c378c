// The API contract: every operation in /api/openapi.json is called over real HTTP (the Express front, so
// 413s are real too), and every answer is checked against the document. Drift fails in both directions:
// an answer whose status is not documented or whose body does not match its schema fails here, and so does
// a documented operation or response that no call below produces.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Ajv2020 } from 'ajv/dist/2020.js'
import sharp from 'sharp'

import { pickupCodeFor } from '../../src/shop/pickupCode'
import { settingsOf } from '../../src/settings'
import { contact, fillCart, seedCatalogue, type Catalogue } from '../helpers/fixtures'
import { serve } from '../helpers/http'
import { createAdmin, createStaff, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let http: Awaited<ReturnType<typeof serve>>
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> }
let admin: Account
let catalogue: Catalogue
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true })

beforeAll(async () => {
  shop = await startTestShop()
  http = await serve(shop.payload)
  admin = await createAdmin(shop)
  catalogue = await seedCatalogue(shop, admin, { APPLES: 10, MILK: 10, BREAD: 20 })
  const res = await fetch(`${http.base}/api/openapi.json`)
  doc = await res.json()
  ajv.addSchema(doc, 'openapi')
})
afterAll(async () => {
  await http?.close()
  await shop?.stop()
})

type Answer = { status: number; contentType: string; body: unknown }
/** Statuses seen per documented operation, e.g. 'post /checkout' → {201, 409}. */
const seen = new Map<string, Set<number>>()

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

/** Calls `method path` (a concrete path) and checks the answer against operation `op` of the document. */
async function call(
  op: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: BodyInit; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const [method, template] = op.split(' ') as [string, string]
  const headers: Record<string, string> = { ...options.headers }
  if (options.token) headers.Authorization = `Bearer ${options.token}`
  if (options.body !== undefined) headers['Content-Type'] ??= 'application/json'
  const res = await fetch(`${http.base}/api${path}`, {
    method: method.toUpperCase(),
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  })
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!
  const body = contentType === 'application/json' ? await res.json() : Buffer.from(await res.arrayBuffer())
  const operation = doc.paths[template]?.[method]
  expect({ op, documented: Boolean(operation) }).toEqual({ op, documented: true })
  const response = operation!.responses[String(res.status)]
  // An undocumented status: the code says something the document does not.
  expect({ op, status: res.status, documented: Boolean(response), body: response ? undefined : body }).toEqual({
    op,
    status: res.status,
    documented: true,
    body: undefined,
  })
  const documentedTypes = Object.keys(response!.content ?? {})
  if (documentedTypes.length > 0) expect({ op, status: res.status, contentType }).toEqual({ op, status: res.status, contentType: documentedTypes[0] })
  if (contentType === 'application/json' && response!.content?.['application/json']) {
    const validate = ajv.getSchema(`openapi#/${pointer('paths', template, method, 'responses', String(res.status), 'content', 'application/json', 'schema')}`)!
    const valid = validate(body)
    expect({ op, status: res.status, body, errors: valid ? null : validate.errors }).toEqual({ op, status: res.status, body, errors: null })
  }
  const statuses = seen.get(op) ?? new Set<number>()
  statuses.add(res.status)
  seen.set(op, statuses)
  return { status: res.status, contentType, body }
}

const expectStatus = async (answer: Promise<Answer>, status: number) => {
  const res = await answer
  expect(res.status).toBe(status)
  return res
}

const checkoutBody = (extra: Record<string, unknown> = {}) => ({ pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_visa', ...extra })

/** A buyer with a cart, and their paid order when `paid`. */
async function buyerWithCart(items: Record<string, number> = { BREAD: 1 }) {
  const buyer = await registerBuyer(shop)
  await fillCart(shop, buyer, items)
  return buyer
}
async function paidOrder(items: Record<string, number> = { BREAD: 1 }, paymentToken = 'tok_visa') {
  const buyer = await buyerWithCart(items)
  const res = await shop.api.post('/api/checkout', checkoutBody({ paymentToken }), { token: buyer.token })
  expect(res.status).toBe(201)
  return { buyer, order: res.body.order as { id: number; number: string; pickupCode: string } }
}
async function readyOrder() {
  const placed = await paidOrder()
  expect((await shop.api.post(`/api/orders/${placed.order.id}/ready`, {}, { token: admin.token })).status).toBe(200)
  return placed
}
const stockRowId = async (sku: string) =>
  (await sqlRows<{ id: number }>(shop, 'SELECT id FROM stock WHERE product_id = $1 AND store_id = $2', [sku, catalogue.stores.main]))[0]!.id

/** The second of two attempts under AUTH_RATE_LIMIT=1 is the 429. */
async function overThePerAddressLimit(op: string, path: string, body: Record<string, string>) {
  const settings = settingsOf(shop.payload)
  const limit = settings.authRateLimit
  settings.authRateLimit = 1
  try {
    await call(op, path, { body })
    await expectStatus(call(op, path, { body }), 429)
  } finally {
    settings.authRateLimit = limit
    await sqlRows(shop, 'DELETE FROM auth_attempts')
  }
}

const scenarios: Record<string, () => Promise<void>> = {
  // Payload's own routes a storefront calls (src/api/builtIn.ts documents them).
  'get /products': async () => {
    await expectStatus(call('get /products', '/products?limit=2&sort=name'), 200)
    await expectStatus(call('get /products', '/products?depth=0&where[name][like]=%D0%BC%D0%BE%D0%BB'), 200)
  },
  'get /products/{id}': async () => {
    await expectStatus(call('get /products/{id}', '/products/MILK'), 200)
    await expectStatus(call('get /products/{id}', '/products/NO-SUCH-SKU'), 404)
  },
  'get /stores': async () => {
    await expectStatus(call('get /stores', '/stores'), 200)
  },
  'get /orders': async () => {
    const { buyer } = await paidOrder()
    const mine = await expectStatus(call('get /orders', '/orders', { token: buyer.token }), 200)
    expect((mine.body as { totalDocs: number }).totalDocs).toBe(1)
    // Staff: their pickup point's orders, without who placed them.
    const clerk = await createStaff(shop, admin, [catalogue.stores.main])
    const theirs = await expectStatus(call('get /orders', '/orders', { token: clerk.token }), 200)
    for (const order of (theirs.body as { docs: Array<Record<string, unknown>> }).docs) {
      for (const mine of ['contact', 'pickupCode', 'buyer']) expect(order).not.toHaveProperty(mine)
    }
    await expectStatus(call('get /orders', '/orders'), 403)
  },
  'get /orders/{id}': async () => {
    const { buyer, order } = await paidOrder()
    const other = await registerBuyer(shop)
    await expectStatus(call('get /orders/{id}', `/orders/${order.id}`, { token: buyer.token }), 200)
    await expectStatus(call('get /orders/{id}', `/orders/${order.id}`, { token: other.token }), 404)
    await expectStatus(call('get /orders/{id}', `/orders/${order.id}`), 403)
  },
  'post /users': async () => {
    const email = `contract-${Date.now()}@example.com`
    await expectStatus(call('post /users', '/users', { body: { email, password: 'a long enough passphrase 42' } }), 201)
    await expectStatus(call('post /users', '/users', { body: { email, password: 'short' } }), 400)
    await overThePerAddressLimit('post /users', '/users', { email: `limit-${Date.now()}@example.com`, password: 'a long enough passphrase 42' })
  },
  'patch /users/{id}': async () => {
    const buyer = await registerBuyer(shop)
    const other = await registerBuyer(shop)
    const op = 'patch /users/{id}'
    const saved = await expectStatus(call(op, `/users/${buyer.id}`, { token: buyer.token, body: { firstName: 'Анна', phone: '8 916 123-45-67', locale: 'en' } }), 200)
    expect((saved.body as { doc: { firstName: string; locale: string } }).doc).toMatchObject({ firstName: 'Анна', locale: 'en' })
    await expectStatus(call(op, `/users/${buyer.id}`, { token: buyer.token, body: { phone: 'not a phone' } }), 400)
    const before = await sqlRows(shop, 'SELECT first_name, phone, locale FROM users WHERE id = $1', [other.id])
    await expectStatus(call(op, `/users/${other.id}`, { token: buyer.token, body: { firstName: 'Чужой' } }), 403)
    await expectStatus(call(op, `/users/${other.id}`, { body: { firstName: 'Чужой' } }), 403)
    expect(await sqlRows(shop, 'SELECT first_name, phone, locale FROM users WHERE id = $1', [other.id])).toEqual(before)
    await expectStatus(call(op, '/users/999999', { token: admin.token, body: { firstName: 'Никто' } }), 404)
  },
  'post /users/logout': async () => {
    const buyer = await registerBuyer(shop)
    await expectStatus(call('post /users/logout', '/users/logout', { token: buyer.token }), 200)
    await expectStatus(call('post /users/logout', '/users/logout'), 400)
  },
  'get /users/me': async () => {
    const buyer = await registerBuyer(shop)
    const me = await expectStatus(call('get /users/me', '/users/me', { token: buyer.token }), 200)
    expect((me.body as { user: { id: number } }).user.id).toBe(buyer.id)
    const clerk = await createStaff(shop, admin, [catalogue.stores.main])
    const staff = await expectStatus(call('get /users/me', '/users/me', { token: clerk.token }), 200)
    expect((staff.body as { user: { stores: Array<{ id: number }> } }).user.stores.map((s) => s.id)).toEqual([catalogue.stores.main])
    await expectStatus(call('get /users/me', '/users/me'), 200)
  },
  'get /media/file/{filename}': async () => {
    const form = new FormData()
    const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#4f9a3c' } }).png().toBuffer()
    form.append('file', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'contract.png')
    const media = await shop.api.request('POST', '/api/media', { raw: form, token: admin.token })
    expect(media.status).toBe(201)
    await expectStatus(call('get /media/file/{filename}', `/media/file/${encodeURIComponent(media.body.doc.filename)}`), 200)
    await expectStatus(call('get /media/file/{filename}', '/media/file/no-such-file.png'), 404)
    // A product with its photo populated (every size described).
    expect((await shop.api.patch('/api/products/MILK', { photo: media.body.doc.id }, { token: admin.token })).status).toBe(200)
    const milk = await expectStatus(call('get /products/{id}', '/products/MILK'), 200)
    expect(Object.keys((milk.body as { photo: { sizes: object } }).photo.sizes)).toEqual(['thumbnail', 'card'])
  },
  'get /catalogue': async () => {
    const found = await expectStatus(call('get /catalogue', `/catalogue?q=${encodeURIComponent('молока')}&store=${catalogue.stores.main}`), 200)
    expect((found.body as { docs: Array<{ sku: string }> }).docs.map((d) => d.sku)).toEqual(['MILK'])
    await expectStatus(call('get /catalogue', '/catalogue?sort=price&limit=2&page=2'), 200)
    await expectStatus(call('get /catalogue', '/catalogue?limit=1000'), 400)
    await expectStatus(call('get /catalogue', `/catalogue?store=${catalogue.stores.closed}`), 404)
  },
  'get /cart': async () => {
    const buyer = await buyerWithCart()
    await expectStatus(call('get /cart', '/cart', { token: buyer.token }), 200)
    await expectStatus(call('get /cart', `/cart?store=${catalogue.stores.main}`, { token: buyer.token }), 200)
    await expectStatus(call('get /cart', '/cart?store=x', { token: buyer.token }), 400)
    await expectStatus(call('get /cart', '/cart?store=999999', { token: buyer.token }), 404)
    await expectStatus(call('get /cart', '/cart'), 401)
  },
  'delete /cart': async () => {
    const buyer = await buyerWithCart()
    const res = await expectStatus(call('delete /cart', '/cart', { token: buyer.token }), 200)
    expect((res.body as { items: unknown[] }).items).toEqual([])
    await expectStatus(call('delete /cart', '/cart'), 401)
  },
  'post /cart/items': async () => {
    const buyer = await registerBuyer(shop)
    const op = 'post /cart/items'
    await expectStatus(call(op, '/cart/items', { token: buyer.token, body: { sku: 'APPLES', quantity: 0.3 } }), 200)
    await expectStatus(call(op, '/cart/items', { token: buyer.token, body: { sku: 'APPLES', quantity: 0.35 } }), 400)
    await expectStatus(call(op, '/cart/items', { token: buyer.token, body: { sku: 'APPLES', quantity: 1, price: 1 } }), 400)
    await expectStatus(call(op, '/cart/items', { token: buyer.token, body: { sku: 'NO-SUCH', quantity: 1 } }), 404)
    await expectStatus(call(op, '/cart/items', { body: { sku: 'APPLES', quantity: 1 } }), 401)
    const huge = JSON.stringify({ sku: 'APPLES', quantity: 1, note: 'x'.repeat(200 * 1024) })
    await expectStatus(call(op, '/cart/items', { token: buyer.token, raw: huge, headers: { 'Content-Type': 'application/json' } }), 413)
  },
  'patch /cart/items/{sku}': async () => {
    const buyer = await buyerWithCart({ APPLES: 0.5 })
    const op = 'patch /cart/items/{sku}'
    await expectStatus(call(op, '/cart/items/APPLES', { token: buyer.token, body: { quantity: 0.7 } }), 200)
    await expectStatus(call(op, '/cart/items/APPLES', { token: buyer.token, body: { quantity: -1 } }), 400)
    await expectStatus(call(op, '/cart/items/MILK', { token: buyer.token, body: { quantity: 1 } }), 404)
    await expectStatus(call(op, '/cart/items/APPLES', { body: { quantity: 1 } }), 401)
  },
  'delete /cart/items/{sku}': async () => {
    const buyer = await buyerWithCart({ APPLES: 0.5 })
    const op = 'delete /cart/items/{sku}'
    await expectStatus(call(op, '/cart/items/APPLES', { token: buyer.token }), 200)
    await expectStatus(call(op, '/cart/items/APPLES', { token: buyer.token }), 404)
    await expectStatus(call(op, '/cart/items/APPLES'), 401)
  },
  'post /checkout': async () => {
    const op = 'post /checkout'
    const paid = await buyerWithCart()
    await expectStatus(call(op, '/checkout', { token: paid.token, body: checkoutBody() }), 201)
    await expectStatus(call(op, '/checkout', { token: paid.token, body: checkoutBody() }), 400) // the cart is empty now
    await expectStatus(call(op, '/checkout', { body: checkoutBody() }), 401)
    await expectStatus(call(op, '/checkout', { token: (await buyerWithCart()).token, body: checkoutBody({ paymentToken: 'tok_chargeDeclined' }) }), 402)
    await expectStatus(call(op, '/checkout', { token: (await buyerWithCart()).token, body: checkoutBody({ pickupPoint: 999_999 }) }), 404)
    const short = await buyerWithCart({ MILK: 11 })
    const outOfStock = await expectStatus(call(op, '/checkout', { token: short.token, body: checkoutBody() }), 409)
    expect(outOfStock.body).toMatchObject({ lines: [{ sku: 'MILK', requested: 11, available: 10 }] })
    const changed = await expectStatus(call(op, '/checkout', { token: short.token, body: checkoutBody({ expectedTotal: 1 }) }), 409)
    expect(changed.body).toMatchObject({ total: 11 * 8990 })
    const keyed = await buyerWithCart()
    const headers = { 'Idempotency-Key': 'contract-1' }
    await expectStatus(call(op, '/checkout', { token: keyed.token, body: checkoutBody({ paymentToken: 'tok_chargeDeclined' }), headers }), 402)
    await expectStatus(call(op, '/checkout', { token: keyed.token, body: checkoutBody(), headers }), 422)
    const saved = { ...settingsOf(shop.payload).payment }
    settingsOf(shop.payload).payment.timeoutMs = 200
    try {
      await expectStatus(call(op, '/checkout', { token: (await buyerWithCart()).token, body: checkoutBody({ paymentToken: 'tok_timeout' }) }), 504)
    } finally {
      Object.assign(settingsOf(shop.payload).payment, saved)
    }
    const reserveMs = settingsOf(shop.payload).checkout.reserveMs
    settingsOf(shop.payload).checkout.reserveMs = 0 // no time left to charge: the checkout gives up before the gateway
    try {
      await expectStatus(call(op, '/checkout', { token: (await buyerWithCart()).token, body: checkoutBody() }), 503)
    } finally {
      settingsOf(shop.payload).checkout.reserveMs = reserveMs
    }
  },
  'post /pickup/lookup': async () => {
    const op = 'post /pickup/lookup'
    const lookup = (token: string | undefined, body: Record<string, unknown>) => call(op, '/pickup/lookup', { token, body })
    const reasonOf = (res: Answer) => (res.body as { errors: Array<{ data: { reason: string } }> }).errors[0]!.data.reason
    const notAssembled = await paidOrder()
    const early = await expectStatus(lookup(admin.token, { code: notAssembled.order.pickupCode }), 409)
    expect(reasonOf(early)).toBe('not_assembled')
    const { buyer, order } = await readyOrder()
    const elsewhere = await expectStatus(lookup(admin.token, { code: order.pickupCode, store: catalogue.stores.other }), 409)
    expect(reasonOf(elsewhere)).toBe('other_store')
    // Looking up twice changes nothing: the order is still there to hand over.
    await expectStatus(lookup(admin.token, { code: order.pickupCode }), 200)
    const found = await expectStatus(lookup(admin.token, { code: order.pickupCode }), 200)
    expect((found.body as { order: { status: string } }).order.status).toBe('ready')
    await expectStatus(call('post /pickup', '/pickup', { token: admin.token, body: { code: order.pickupCode } }), 200)
    const done = await expectStatus(lookup(admin.token, { code: order.pickupCode }), 409)
    expect(reasonOf(done)).toBe('collected')
    await expectStatus(lookup(admin.token, { code: `${order.pickupCode}x` }), 400)
    await expectStatus(lookup(admin.token, { code: pickupCodeFor('ZZZZ-ZZZZ') }), 404)
    await expectStatus(lookup(buyer.token, { code: order.pickupCode }), 403)
    await expectStatus(lookup(undefined, { code: order.pickupCode }), 401)
  },
  'post /pickup': async () => {
    const op = 'post /pickup'
    const notAssembled = await paidOrder()
    await expectStatus(call(op, '/pickup', { token: admin.token, body: { code: notAssembled.order.pickupCode } }), 409)
    const { buyer, order } = await readyOrder()
    await expectStatus(call(op, '/pickup', { token: admin.token, body: { code: order.pickupCode, store: catalogue.stores.other } }), 409)
    await expectStatus(call(op, '/pickup', { token: admin.token, body: { code: order.pickupCode } }), 200)
    await expectStatus(call(op, '/pickup', { token: admin.token, body: { code: order.pickupCode } }), 409)
    await expectStatus(call(op, '/pickup', { token: admin.token, body: { code: `${order.pickupCode}x` } }), 400)
    await expectStatus(call(op, '/pickup', { token: admin.token, body: { code: pickupCodeFor('ZZZZ-ZZZZ') } }), 404)
    await expectStatus(call(op, '/pickup', { token: buyer.token, body: { code: order.pickupCode } }), 403)
    await expectStatus(call(op, '/pickup', { body: { code: order.pickupCode } }), 401)
  },
  'get /orders/{id}/qr': async () => {
    const op = 'get /orders/{id}/qr'
    const { buyer, order } = await paidOrder()
    const png = await expectStatus(call(op, `/orders/${order.id}/qr`, { token: buyer.token }), 200)
    expect(png.contentType).toBe('image/png')
    await expectStatus(call(op, `/orders/${order.id}/qr`, { token: (await registerBuyer(shop)).token }), 404)
    await expectStatus(call(op, '/orders/abc/qr', { token: buyer.token }), 400)
    await expectStatus(call(op, `/orders/${order.id}/qr`), 401)
  },
  'post /orders/{id}/cancel': async () => {
    const op = 'post /orders/{id}/cancel'
    const own = await paidOrder()
    await expectStatus(call(op, `/orders/${own.order.id}/cancel`, { token: own.buyer.token, body: { reason: 'changed my mind' } }), 200)
    const ready = await readyOrder()
    await expectStatus(call(op, `/orders/${ready.order.id}/cancel`, { token: ready.buyer.token, body: {} }), 409)
    const { buyer, order } = await paidOrder()
    await expectStatus(call(op, `/orders/${order.id}/cancel`, { token: (await registerBuyer(shop)).token, body: {} }), 404)
    void buyer
    await expectStatus(call(op, `/orders/${order.id}/cancel`, { body: {} }), 401)
    await expectStatus(call(op, `/orders/${order.id}/cancel`, { token: admin.token, body: { reason: 'x'.repeat(501) } }), 400)
    await expectStatus(call(op, '/orders/99999999/cancel', { token: admin.token, body: {} }), 404)
    await expectStatus(call(op, `/orders/${order.id}/cancel`, { token: admin.token, body: { reason: 'damaged' } }), 200)
    await expectStatus(call(op, `/orders/${order.id}/cancel`, { token: admin.token, body: {} }), 409)
  },
  'post /stock/{id}/receive': async () => {
    const op = 'post /stock/{id}/receive'
    const id = await stockRowId('BREAD')
    const key = { 'Idempotency-Key': 'contract-receive' }
    await expectStatus(call(op, `/stock/${id}/receive`, { token: admin.token, body: { quantity: 1, note: 'delivery' }, headers: key }), 200)
    await expectStatus(call(op, `/stock/${id}/receive`, { token: admin.token, body: { quantity: 2 }, headers: key }), 422)
    await expectStatus(call(op, `/stock/${id}/receive`, { token: admin.token, body: { quantity: 0.5 } }), 400)
    await expectStatus(call(op, '/stock/999999/receive', { token: admin.token, body: { quantity: 1 } }), 404)
    await expectStatus(call(op, `/stock/${id}/receive`, { token: (await registerBuyer(shop)).token, body: { quantity: 1 } }), 403)
    await expectStatus(call(op, `/stock/${id}/receive`, { body: { quantity: 1 } }), 401)
  },
  'post /stock/{id}/count': async () => {
    const op = 'post /stock/{id}/count'
    const id = await stockRowId('APPLES')
    const key = { 'Idempotency-Key': 'contract-count' }
    await expectStatus(call(op, `/stock/${id}/count`, { token: admin.token, body: { onHand: 9.87 }, headers: key }), 200)
    await expectStatus(call(op, `/stock/${id}/count`, { token: admin.token, body: { onHand: 9 }, headers: key }), 422)
    await expectStatus(call(op, `/stock/${id}/count`, { token: admin.token, body: { onHand: -1 } }), 400)
    await expectStatus(call(op, '/stock/999999/count', { token: admin.token, body: { onHand: 1 } }), 404)
    await expectStatus(call(op, `/stock/${id}/count`, { token: (await registerBuyer(shop)).token, body: { onHand: 1 } }), 403)
    await expectStatus(call(op, `/stock/${id}/count`, { body: { onHand: 1 } }), 401)
  },
  'post /stock/{id}/write-off': async () => {
    const op = 'post /stock/{id}/write-off'
    const id = await stockRowId('MILK')
    const key = { 'Idempotency-Key': 'contract-write-off' }
    await expectStatus(call(op, `/stock/${id}/write-off`, { token: admin.token, body: { quantity: 1, reason: 'damaged' }, headers: key }), 200)
    await expectStatus(call(op, `/stock/${id}/write-off`, { token: admin.token, body: { quantity: 2, reason: 'damaged' }, headers: key }), 422)
    await expectStatus(call(op, `/stock/${id}/write-off`, { token: admin.token, body: { quantity: 1000, reason: 'lost' } }), 409)
    await expectStatus(call(op, `/stock/${id}/write-off`, { token: admin.token, body: { quantity: 1 } }), 400)
    await expectStatus(call(op, '/stock/999999/write-off', { token: admin.token, body: { quantity: 1, reason: 'lost' } }), 404)
    await expectStatus(call(op, `/stock/${id}/write-off`, { token: (await registerBuyer(shop)).token, body: { quantity: 1, reason: 'lost' } }), 403)
    await expectStatus(call(op, `/stock/${id}/write-off`, { body: { quantity: 1, reason: 'lost' } }), 401)
  },
  'patch /stock/{id}': async () => {
    const op = 'patch /stock/{id}'
    const id = await stockRowId('MILK')
    await expectStatus(call(op, `/stock/${id}`, { token: admin.token, body: { lowStockThreshold: 3 } }), 200)
    await expectStatus(call(op, `/stock/${id}`, { token: admin.token, body: { lowStockThreshold: 3, onHand: 100 } }), 400)
    await expectStatus(call(op, '/stock/999999', { token: admin.token, body: { lowStockThreshold: 3 } }), 404)
    await expectStatus(call(op, `/stock/${id}`, { token: (await registerBuyer(shop)).token, body: { lowStockThreshold: 3 } }), 403)
    await expectStatus(call(op, `/stock/${id}`, { body: { lowStockThreshold: 3 } }), 401)
  },
  'get /stock/low': async () => {
    const op = 'get /stock/low'
    await shop.api.patch(`/api/stock/${await stockRowId('BREAD')}`, { lowStockThreshold: 1000 }, { token: admin.token })
    const res = await expectStatus(call(op, '/stock/low', { token: admin.token }), 200)
    expect((res.body as { docs: Array<{ product: string }> }).docs.map((d) => d.product)).toContain('BREAD')
    await expectStatus(call(op, '/stock/low', { token: (await registerBuyer(shop)).token }), 403)
    await expectStatus(call(op, '/stock/low'), 401)
  },
  'post /orders/{id}/ready': async () => {
    const op = 'post /orders/{id}/ready'
    const weighed = await paidOrder({ APPLES: 1.5, BREAD: 2 })
    await expectStatus(call(op, `/orders/${weighed.order.id}/ready`, { token: admin.token, body: { lines: [{ sku: 'NOPE', quantity: 1 }] } }), 400)
    await expectStatus(call(op, `/orders/${weighed.order.id}/ready`, { token: admin.token, body: { lines: [{ sku: 'APPLES', quantity: 1.7 }] } }), 409)
    await expectStatus(call(op, `/orders/${weighed.order.id}/ready`, { token: weighed.buyer.token, body: {} }), 403)
    await expectStatus(call(op, `/orders/${weighed.order.id}/ready`, { body: {} }), 401)
    await expectStatus(call(op, '/orders/99999999/ready', { token: admin.token, body: {} }), 404)
    const ready = await expectStatus(call(op, `/orders/${weighed.order.id}/ready`, { token: admin.token, body: { lines: [{ sku: 'APPLES', quantity: 1.43 }] } }), 200)
    expect((ready.body as { order: { status: string; total: number } }).order).toMatchObject({ status: 'ready', total: 28586 + 10000 })
    const declined = await paidOrder({ BREAD: 1 }, 'tok_captureDeclined')
    await expectStatus(call(op, `/orders/${declined.order.id}/ready`, { token: admin.token, body: {} }), 402)
    const lost = await paidOrder({ BREAD: 1 }, 'tok_captureLost')
    const saved = settingsOf(shop.payload).payment.timeoutMs
    settingsOf(shop.payload).payment.timeoutMs = 200
    try {
      await expectStatus(call(op, `/orders/${lost.order.id}/ready`, { token: admin.token, body: {} }), 504)
    } finally {
      settingsOf(shop.payload).payment.timeoutMs = saved
    }
  },
  'post /users/login': async () => {
    const op = 'post /users/login'
    const buyer = await registerBuyer(shop)
    const res = await expectStatus(call(op, '/users/login', { body: { email: buyer.email, password: buyer.password } }), 200)
    const token = (res.body as { token: string }).token
    // The token carries who and what, nothing personal.
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
    expect(claims).toMatchObject({ id: buyer.id, role: 'buyer', collection: 'users' })
    expect(JSON.stringify(claims)).not.toContain(buyer.email)
    await expectStatus(call(op, '/users/login', { body: { email: buyer.email, password: 'not the password at all' } }), 401)
    await expectStatus(call(op, '/users/login', { body: { email: buyer.email } }), 400)
    await sqlRows(shop, 'UPDATE users SET active = false WHERE id = $1', [buyer.id])
    await expectStatus(call(op, '/users/login', { body: { email: buyer.email, password: buyer.password } }), 403)
    await overThePerAddressLimit(op, '/users/login', { email: buyer.email, password: buyer.password })
  },
  'post /users/refresh-token': async () => {
    const op = 'post /users/refresh-token'
    const buyer = await registerBuyer(shop)
    const res = await expectStatus(call(op, '/users/refresh-token', { token: buyer.token }), 200)
    const claims = JSON.parse(Buffer.from((res.body as { refreshedToken: string }).refreshedToken.split('.')[1]!, 'base64url').toString())
    expect(JSON.stringify(claims)).not.toContain(buyer.email)
    await expectStatus(call(op, '/users/refresh-token'), 401)
  },
  'post /users/forgot-password': async () => {
    const op = 'post /users/forgot-password'
    const buyer = await registerBuyer(shop)
    await expectStatus(call(op, '/users/forgot-password', { body: { email: buyer.email } }), 200)
    await expectStatus(call(op, '/users/forgot-password', { body: {} }), 400)
    await overThePerAddressLimit(op, '/users/forgot-password', { email: buyer.email })
  },
  'post /users/reset-password': async () => {
    const op = 'post /users/reset-password'
    const buyer = await registerBuyer(shop)
    await shop.api.post('/api/users/forgot-password', { email: buyer.email })
    const [{ token }] = await sqlRows<{ token: string }>(shop, 'SELECT reset_password_token AS token FROM users WHERE id = $1', [buyer.id])
    await expectStatus(call(op, '/users/reset-password', { body: { token, password: 'short' } }), 400)
    await expectStatus(call(op, '/users/reset-password', { body: { token: 'f'.repeat(40), password: 'a fine new passphrase' } }), 403)
    await expectStatus(call(op, '/users/reset-password', { body: { token, password: 'a fine new passphrase' } }), 200)
  },
  'get /users/me/data': async () => {
    const op = 'get /users/me/data'
    const { buyer } = await paidOrder({ MILK: 1 })
    const res = await expectStatus(call(op, '/users/me/data', { token: buyer.token }), 200)
    expect((res.body as { orders: unknown[] }).orders).toHaveLength(1)
    await expectStatus(call(op, '/users/me/data'), 401)
  },
  'delete /users/me': async () => {
    const op = 'delete /users/me'
    const { buyer } = await paidOrder({ MILK: 1 })
    await expectStatus(call(op, '/users/me', { token: buyer.token, body: { password: buyer.password } }), 409)
    await expectStatus(call(op, '/users/me', { token: admin.token, body: { password: admin.password } }), 409)
    await expectStatus(call(op, '/users/me', { token: buyer.token, body: {} }), 400)
    await expectStatus(call(op, '/users/me', { body: { password: buyer.password } }), 401)
    const other = await registerBuyer(shop)
    for (let i = 0; i < 5; i++) await expectStatus(call(op, '/users/me', { token: other.token, body: { password: `not it, try ${i}` } }), 403)
    await expectStatus(call(op, '/users/me', { token: other.token, body: { password: other.password } }), 429)
    await sqlRows(shop, 'DELETE FROM login_throttles')
    await expectStatus(call(op, '/users/me', { token: other.token, body: { password: other.password } }), 200)
  },
  'post /users/first-register': async () => {
    await expectStatus(call('post /users/first-register', '/users/first-register', { body: { email: 'x@example.com', password: 'long enough password' } }), 403)
  },
}

describe('the API contract (/api/openapi.json against real answers)', () => {
  it('has a scenario for every documented operation, and documents every scenario', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
    expect(documented.sort()).toEqual(Object.keys(scenarios).sort())
  })

  for (const [op, scenario] of Object.entries(scenarios)) it(op, scenario)

  it('produced every documented response of every operation', () => {
    const missing = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, operation]) =>
        Object.keys(operation.responses)
          .filter((status) => !seen.get(`${method} ${path}`)?.has(Number(status)))
          .map((status) => `${method} ${path} ${status}`),
      ),
    )
    expect(missing).toEqual([])
  })
})
