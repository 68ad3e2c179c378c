// Who is asking, read afresh on every request in one prepared statement (src/shop/auth/sessionUser.ts):
// logging out, a session's expiry, a deleted or deactivated account, a changed role and changed pickup
// points all take effect on the very next request with the same token.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { type Catalogue, seedCatalogue, snapshot } from '../helpers/fixtures'
import { type Account, createAdmin, createStaff, registerBuyer, sqlRows, startTestShop, statementsDuring, type TestShop } from '../helpers/shop'

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

const sidOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid
const me = async (token: string) => (await shop.api.get('/api/users/me', { token })).body.user as { id: number } | null
const cartStatus = async (token: string) => (await shop.api.get('/api/cart', { token })).status

describe('a request is authenticated with one prepared statement', () => {
  it('a cart view and a cart add are each two prepared statements: who is asking, then the cart', async () => {
    const buyer = await registerBuyer(shop)
    expect(await statementsDuring(shop, async () => expect(await cartStatus(buyer.token)).toBe(200))).toEqual(['shop_session_user', 'shop_cart_view'])
    const add = () => shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 1 }, { token: buyer.token })
    expect(await statementsDuring(shop, async () => expect((await add()).status).toBe(200))).toEqual(['shop_session_user', 'shop_cart_add'])
  })

  it('req.user carries what access needs (id, role, pickup points), never the personal data', async () => {
    const staff = await createStaff(shop, admin, [catalogue.stores.main])
    // The panel is handed req.user as it is: what it holds is what the staff's browser sees.
    const res = await shop.api.get('/api/users/me', { token: staff.token })
    expect(res.body.user).toMatchObject({ id: staff.id, role: 'staff' })
    const [user] = await statementsDuring(shop, () => shop.api.get('/api/stock/low', { token: staff.token }))
    expect(user).toBe('shop_session_user')
  })
})

describe('changes take effect at once, with the same token', () => {
  it('logging out ends that session and only that one', async () => {
    const buyer = await registerBuyer(shop)
    const second = (await shop.api.post('/api/users/login', { email: buyer.email, password: buyer.password })).body.token as string
    expect(await cartStatus(buyer.token)).toBe(200)
    expect((await shop.api.post('/api/users/logout', undefined, { token: buyer.token })).status).toBe(200)
    expect(await cartStatus(buyer.token)).toBe(401)
    expect(await me(buyer.token)).toBeNull()
    expect(await cartStatus(second)).toBe(200)
  })

  it('an expired session is refused although its token has not expired yet', async () => {
    const buyer = await registerBuyer(shop)
    const before = await snapshot(shop)
    await sqlRows(shop, `UPDATE users_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [sidOf(buyer.token)])
    expect(await cartStatus(buyer.token)).toBe(401)
    expect(await me(buyer.token)).toBeNull()
    expect((await shop.api.post('/api/cart/items', { sku: 'MILK', quantity: 1 }, { token: buyer.token })).status).toBe(401)
    const after = await snapshot(shop)
    expect(after.carts).toEqual(before.carts)
    // The token itself is good: the same account's other, live session still works.
    const fresh = (await shop.api.post('/api/users/login', { email: buyer.email, password: buyer.password })).body.token as string
    expect(await cartStatus(fresh)).toBe(200)
  })

  it('a deleted account is nobody', async () => {
    const buyer = await registerBuyer(shop)
    expect(await cartStatus(buyer.token)).toBe(200)
    expect((await shop.api.delete(`/api/users/${buyer.id}`, { token: admin.token })).status).toBe(200)
    expect(await cartStatus(buyer.token)).toBe(401)
    expect(await me(buyer.token)).toBeNull()
  })

  it('a deactivated account is nobody, even with its sessions still in the table', async () => {
    const staff = await createStaff(shop, admin, [catalogue.stores.main])
    expect((await shop.api.get('/api/stock/low', { token: staff.token })).status).toBe(200)
    // Deactivating through the API also ends the sessions; here only the flag changes, to test the flag.
    await sqlRows(shop, 'UPDATE users SET active = false WHERE id = $1', [staff.id])
    expect((await shop.api.get('/api/stock/low', { token: staff.token })).status).toBe(401)
    expect(await me(staff.token)).toBeNull()
  })

  it('a role taken away is gone on the next request (through the API and in the table)', async () => {
    const staff = await createStaff(shop, admin, [catalogue.stores.main])
    expect((await shop.api.get('/api/stock/low', { token: staff.token })).status).toBe(200)
    expect((await shop.api.patch(`/api/users/${staff.id}`, { role: 'buyer' }, { token: admin.token })).status).toBe(200)
    expect((await shop.api.get('/api/stock/low', { token: staff.token })).status).toBe(403)

    const other = await createStaff(shop, admin, [catalogue.stores.main])
    await sqlRows(shop, `UPDATE users SET role = 'buyer' WHERE id = $1`, [other.id])
    expect((await shop.api.get('/api/stock/low', { token: other.token })).status).toBe(403)
    await sqlRows(shop, `UPDATE users SET role = 'staff' WHERE id = $1`, [other.id])
    expect((await shop.api.get('/api/stock/low', { token: other.token })).status).toBe(200)
  })

  it('pickup points changed are what the next request may see', async () => {
    const staff = await createStaff(shop, admin, [catalogue.stores.main])
    const storesSeen = async () => {
      const res = await shop.api.get('/api/stock-movements?limit=100&depth=0', { token: staff.token })
      expect(res.status).toBe(200)
      return [...new Set((res.body.docs as Array<{ store: number }>).map((d) => d.store))]
    }
    expect(await storesSeen()).toEqual([catalogue.stores.main])
    expect((await shop.api.patch(`/api/users/${staff.id}`, { stores: [catalogue.stores.other] }, { token: admin.token })).status).toBe(200)
    expect(await storesSeen()).toEqual([catalogue.stores.other])
  })
})
