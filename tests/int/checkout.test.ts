// Checkout through the REST API: the reservation, the payment outcomes, and the answers to bad input.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { env } from '../../src/env'
import { type Catalogue, contact, dataUrlPng, fillCart, readQr, seedCatalogue, snapshot, stockAt } from '../helpers/fixtures'
import { createAdmin, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let admin: Account
let catalogue: Catalogue

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  catalogue = await seedCatalogue(shop, admin)
})
afterAll(async () => {
  await shop?.stop()
})

const order = (buyer: Account, body: Record<string, unknown> = {}, key?: string) =>
  shop.api.post(
    '/api/checkout',
    { pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_visa', ...body },
    { token: buyer.token, headers: key ? { 'Idempotency-Key': key } : {} },
  )

describe('checkout', () => {
  it('reserves, charges and answers with the order, its pickup code and a QR code of exactly that code', async () => {
    const buyer = await registerBuyer(shop)
    await fillCart(shop, buyer, { APPLES: 0.3, MILK: 2 })
    const before = await stockAt(shop, catalogue.stores.main)
    const res = await order(buyer, { expectedTotal: 5997 + 2 * 8990 })
    expect(res.status).toBe(201)
    const { order: placed, qr } = res.body
    expect(placed).toMatchObject({
      status: 'paid',
      total: 5997 + 17980,
      currency: 'RUB',
      pickupPoint: { id: catalogue.stores.main, name: 'Тверская' },
      items: [
        { sku: 'APPLES', quantity: 0.3, unitPrice: 19990, lineTotal: 5997 },
        { sku: 'MILK', quantity: 2, unitPrice: 8990, lineTotal: 17980 },
      ],
    })
    expect(placed.number).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    expect(qr).toMatch(/^data:image\/png;base64,/)
    expect(await readQr(dataUrlPng(qr))).toBe(placed.pickupCode)
    expect(await stockAt(shop, catalogue.stores.main)).toEqual({ ...before, APPLES: '9.7', MILK: '8' })
    expect((await shop.api.get('/api/cart', { token: buyer.token })).body.items).toEqual([])
    expect(await sqlRows(shop, 'SELECT status, payment_state FROM orders WHERE id = $1', [placed.id])).toEqual([{ status: 'paid', payment_state: 'charged' }])
  })
})
