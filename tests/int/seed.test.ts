// The demo seed of a first development run: complete, exact, and only once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { DEMO_ADMIN, DEMO_BUYER, DEMO_STAFF, seedDemoData } from '../../src/seed/demo'
import { stockDisagreements } from '../helpers/fixtures'
import { login, sqlRows, startTestShop, type TestShop } from '../helpers/shop'

let shop: TestShop
beforeAll(async () => {
  shop = await startTestShop()
})
afterAll(async () => {
  await shop?.stop()
})

const counts = async () =>
  (
    await sqlRows(
      shop,
      `SELECT (SELECT count(*) FROM stores)::int AS stores, (SELECT count(*) FROM products)::int AS products,
              (SELECT count(*) FROM media)::int AS photos, (SELECT count(*) FROM stock)::int AS stock,
              (SELECT count(*) FROM users)::int AS users`,
    )
  )[0]

describe('demo seed', () => {
  it('creates pickup points, products with photos, stock everywhere and the two accounts, once', async () => {
    await Promise.all([seedDemoData(shop.payload), seedDemoData(shop.payload)])
    const first = await counts()
    expect(first).toEqual({ stores: 3, products: 20, photos: 20, stock: 60, users: 3 })
    await seedDemoData(shop.payload)
    expect(await counts()).toEqual(first)

    // Stock levels are stored exactly (pieces whole), each row's ledger starting with its `initial` movement.
    const inexact = await sqlRows(
      shop,
      "SELECT s.id FROM stock s JOIN products p ON p.id = s.product_id WHERE scale(s.on_hand) > 3 OR (p.unit = 'pcs' AND mod(s.on_hand, 1) <> 0)",
    )
    expect(inexact).toEqual([])
    expect(await sqlRows(shop, "SELECT count(*)::int AS n FROM stock_movements WHERE type = 'initial'")).toEqual([{ n: 60 }])
    expect(await stockDisagreements(shop)).toEqual([])

    const roles = await sqlRows(shop, 'SELECT email, role FROM users ORDER BY email')
    expect(roles).toEqual([
      { email: DEMO_ADMIN.email, role: 'admin' },
      { email: DEMO_BUYER.email, role: 'buyer' },
      { email: DEMO_STAFF.email, role: 'staff' },
    ])
    await expect(login(shop, DEMO_BUYER.username, DEMO_BUYER.password)).resolves.toEqual(expect.any(String))
    // The clerk works at the first pickup point.
    expect(await sqlRows(shop, "SELECT r.stores_id FROM users_rels r JOIN users u ON u.id = r.parent_id WHERE u.email = $1", [DEMO_STAFF.email])).toEqual([
      { stores_id: (await sqlRows<{ id: number }>(shop, 'SELECT min(id) AS id FROM stores'))[0]!.id },
    ])
  }, 60_000)
})
