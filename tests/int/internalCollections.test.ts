// Payload's own collections (document locks, panel preferences, jobs, migrations, the key-value store) are
// the panel's plumbing, not part of the shop's API: buyers and anonymous callers get nothing from them,
// and staff may lock only what they may work on. Before the fix any signed-in buyer could lock a product
// (the admin's PATCH then answered 423 for five minutes, renewable forever) and read every lock, with the
// locking user's sessions in the answer.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { seedCatalogue, type Catalogue } from '../helpers/fixtures'
import { type Account, createAdmin, createStaff, registerBuyer, sqlRows, startTestShop, type TestShop } from '../helpers/shop'

const LOCKS = '/api/payload-locked-documents'

let shop: TestShop
let admin: Account
let buyer: Account
let clerk: Account
let catalogue: Catalogue
/** A stock row at the clerk's pickup point, and one at another. */
let ownStock: number
let otherStock: number

const makeStaff = (stores: number[]) => createStaff(shop, admin, stores)

const lockCount = async () => Number((await sqlRows<{ n: string }>(shop, 'SELECT count(*) AS n FROM payload_locked_documents'))[0]!.n)
const clearLocks = () => sqlRows(shop, 'DELETE FROM payload_locked_documents')
/** A lock's body as a client sends it: the document, and (Payload requires it) the user holding the lock. */
const lockOn = (relationTo: string, value: string | number, user?: Account) => ({
  document: { relationTo, value },
  ...(user ? { user: { relationTo: 'users', value: user.id } } : {}),
})

/** Every key anywhere in a JSON answer (to look for sessions, hashes, emails at any depth). */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into)
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k)
      keysOf(v, into)
    }
  }
  return into
}

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  catalogue = await seedCatalogue(shop, admin)
  buyer = await registerBuyer(shop)
  clerk = await makeStaff([catalogue.stores.main])
  const stockRows = await sqlRows<{ id: number; store_id: number }>(shop, "SELECT id, store_id FROM stock WHERE product_id = 'MILK'")
  ownStock = stockRows.find((r) => r.store_id === catalogue.stores.main)!.id
  otherStock = stockRows.find((r) => r.store_id === catalogue.stores.other)!.id
})
afterAll(async () => {
  await shop?.stop()
})

describe('payload-locked-documents', () => {
  it('refuses a buyer: no lock is made and the admin can still edit the product', async () => {
    await clearLocks()
    const created = await shop.api.post(LOCKS, lockOn('products', 'MILK', buyer), { token: buyer.token })
    expect(created.status).toBe(403)
    const form = new FormData()
    form.append('_payload', JSON.stringify(lockOn('products', 'BREAD', buyer)))
    expect((await shop.api.request('POST', LOCKS, { token: buyer.token, raw: form })).status).toBe(403)
    expect(await lockCount()).toBe(0)

    expect((await shop.api.get(LOCKS, { token: buyer.token })).status).toBe(403)
    expect((await shop.api.get(LOCKS)).status).toBe(403)
    expect((await shop.api.post(LOCKS, lockOn('products', 'MILK', admin))).status).toBe(403)
    expect(await lockCount()).toBe(0)

    const edit = await shop.api.patch('/api/products/MILK', { name: 'Молоко 3,2%, 1 л' }, { token: admin.token })
    expect(edit.status).toBe(200)
  })

  it('refuses a buyer on a lock someone else holds (no take-over, no unlock)', async () => {
    await clearLocks()
    const mine = await shop.api.post(LOCKS, lockOn('products', 'APPLES', admin), { token: admin.token })
    expect(mine.status).toBe(201)
    const id = mine.body.doc.id
    expect((await shop.api.get(`${LOCKS}/${id}`, { token: buyer.token })).status).toBe(403)
    expect((await shop.api.patch(`${LOCKS}/${id}`, { user: { relationTo: 'users', value: buyer.id } }, { token: buyer.token })).status).toBe(403)
    expect((await shop.api.delete(`${LOCKS}/${id}`, { token: buyer.token })).status).toBe(403)
    const rows = await sqlRows<{ user: number }>(shop, 'SELECT users_id AS user FROM payload_locked_documents_rels WHERE parent_id = $1 AND path = $2', [id, 'user'])
    expect(rows).toEqual([{ user: admin.id }])
  })

  it('lets staff lock what they work on (stock at their pickup point), and nothing else', async () => {
    await clearLocks()
    const locked = await shop.api.post(LOCKS, lockOn('stock', ownStock, clerk), { token: clerk.token })
    expect(locked.status).toBe(201)
    // The lock is the clerk's, whatever the body says about its user.
    const forged = await shop.api.post(LOCKS, lockOn('stock', ownStock, admin), { token: clerk.token })
    expect(forged.status).toBe(201)
    const users = await sqlRows<{ user: number }>(shop, "SELECT users_id AS user FROM payload_locked_documents_rels WHERE path = 'user'")
    expect(users.map((u) => u.user)).toEqual([clerk.id, clerk.id])

    // Not stock of another pickup point, not the catalogue (admins edit it), not accounts.
    expect((await shop.api.post(LOCKS, lockOn('stock', otherStock, clerk), { token: clerk.token })).status).toBe(403)
    expect((await shop.api.post(LOCKS, lockOn('products', 'MILK', clerk), { token: clerk.token })).status).toBe(403)
    expect((await shop.api.post(LOCKS, lockOn('users', admin.id, clerk), { token: clerk.token })).status).toBe(403)
    // Made-up targets: a word for a numeric id, a collection that does not exist, a lock on a lock.
    expect((await shop.api.post(LOCKS, lockOn('stock', 'abc', clerk), { token: clerk.token })).status).toBe(403)
    expect((await shop.api.post(LOCKS, lockOn('stock', '1; drop', admin), { token: admin.token })).status).toBe(403)
    expect((await shop.api.post(LOCKS, lockOn('nothing', 1, admin), { token: admin.token })).status).toBe(403)
    expect((await shop.api.post(LOCKS, lockOn('payload-locked-documents', 1, admin), { token: admin.token })).status).toBe(403)
    expect(await lockCount()).toBe(2)
    // An admin's save is not blocked by a clerk who cannot edit the product.
    expect((await shop.api.patch('/api/products/MILK', { name: 'Молоко' }, { token: admin.token })).status).toBe(200)
  })

  it('runs the panel’s lock flow for staff: find the lock, take it over, unlock', async () => {
    await clearLocks()
    // The admin opens the stock row first; the clerk finds the lock as the panel does, takes it over, leaves.
    const adminLock = await shop.api.post(LOCKS, lockOn('stock', ownStock, admin), { token: admin.token })
    expect(adminLock.status).toBe(201)
    const query = `?where[document.relationTo][equals]=stock&where[document.value][equals]=${ownStock}`
    const found = await shop.api.get(`${LOCKS}${query}`, { token: clerk.token })
    expect(found.status).toBe(200)
    expect(found.body.docs.map((d: { id: number }) => d.id)).toEqual([adminLock.body.doc.id])
    const id = adminLock.body.doc.id
    const taken = await shop.api.patch(`${LOCKS}/${id}`, { user: { relationTo: 'users', value: clerk.id } }, { token: clerk.token })
    expect(taken.status).toBe(200)
    // A take-over is always in the taker's own name, and cannot move the lock to another document.
    const moved = await shop.api.patch(`${LOCKS}/${id}`, lockOn('products', 'MILK', admin), { token: clerk.token })
    expect(moved.status).toBe(200)
    const rels = await sqlRows<{ path: string; users_id: number | null; stock_id: number | null; products_id: string | null }>(
      shop,
      'SELECT path, users_id, stock_id, products_id FROM payload_locked_documents_rels WHERE parent_id = $1 ORDER BY path',
      [id],
    )
    expect(rels).toEqual([
      { path: 'document', users_id: null, stock_id: ownStock, products_id: null },
      { path: 'user', users_id: clerk.id, stock_id: null, products_id: null },
    ])
    expect((await shop.api.delete(`${LOCKS}/${id}`, { token: clerk.token })).status).toBe(200)
    expect(await lockCount()).toBe(0)

    // A lock on another store's stock is not the clerk's to take over or remove.
    const elsewhere = await shop.api.post(LOCKS, lockOn('stock', otherStock, admin), { token: admin.token })
    expect((await shop.api.patch(`${LOCKS}/${elsewhere.body.doc.id}`, { user: { relationTo: 'users', value: clerk.id } }, { token: clerk.token })).status).toBe(403)
    expect((await shop.api.delete(`${LOCKS}/${elsewhere.body.doc.id}`, { token: clerk.token })).status).toBe(403)
    // Nor are bulk changes (the panel never makes them).
    expect((await shop.api.delete(`${LOCKS}?where[id][exists]=true`, { token: clerk.token })).status).toBe(403)
    expect(await lockCount()).toBe(1)
  })

  it('never answers a lock with its user’s sessions, and shows staff no one else’s account', async () => {
    await clearLocks()
    const adminLock = await shop.api.post(LOCKS, lockOn('products', 'BREAD', admin), { token: admin.token })
    expect(adminLock.status).toBe(201)
    const clerkLock = await shop.api.post(LOCKS, lockOn('stock', ownStock, clerk), { token: clerk.token })
    expect(clerkLock.status).toBe(201)
    for (const answer of [adminLock.body.doc, clerkLock.body.doc]) {
      expect([...keysOf(answer)]).not.toEqual(expect.arrayContaining(['sessions']))
    }

    for (const depth of [0, 1, 2]) {
      const list = await shop.api.get(`${LOCKS}?depth=${depth}`, { token: clerk.token })
      expect(list.status).toBe(200)
      expect(list.body.docs).toHaveLength(2)
      const keys = keysOf(list.body.docs)
      for (const secret of ['sessions', 'hash', 'salt', 'resetPasswordToken', 'phone', 'firstName', 'lastName', 'stores']) expect(keys.has(secret)).toBe(false)
      const theAdmins = list.body.docs.find((d: { id: number }) => d.id === adminLock.body.doc.id)
      // The admin's account is not the clerk's to read: only its id shows.
      const lockedBy = theAdmins.user.value
      expect(typeof lockedBy === 'object' ? lockedBy : { id: lockedBy }).toEqual({ id: admin.id })
      expect(JSON.stringify(list.body)).not.toContain(admin.email)
    }
    const byId = await shop.api.get(`${LOCKS}/${adminLock.body.doc.id}?depth=1`, { token: admin.token })
    expect(byId.status).toBe(200)
    expect(keysOf(byId.body).has('sessions')).toBe(false)
  })
})

describe('the other internal collections', () => {
  it('payload-preferences: only panel users, each with their own', async () => {
    const prefs = '/api/payload-preferences'
    for (const token of [buyer.token, undefined]) {
      expect((await shop.api.get(prefs, { token })).status).toBe(403)
      expect((await shop.api.post(prefs, { key: 'nav', value: { open: true } }, { token })).status).toBe(403)
      expect((await shop.api.post(`${prefs}/nav`, { value: { open: true } }, { token })).status).toBeGreaterThanOrEqual(400)
      expect((await shop.api.get(`${prefs}/nav`, { token })).status).toBeGreaterThanOrEqual(400)
      expect((await shop.api.delete(`${prefs}/nav`, { token })).status).toBeGreaterThanOrEqual(400)
    }
    expect((await shop.api.post(`${prefs}/nav`, { value: { open: true } }, { token: buyer.token })).status).toBe(403)
    expect((await sqlRows(shop, 'SELECT id FROM payload_preferences'))).toEqual([])

    // The panel's own use: staff keep their preferences, and see only theirs.
    expect((await shop.api.post(`${prefs}/nav`, { value: { open: true } }, { token: clerk.token })).status).toBe(200)
    expect((await shop.api.post(`${prefs}/nav`, { value: { open: false } }, { token: admin.token })).status).toBe(200)
    const own = await shop.api.get(`${prefs}/nav`, { token: clerk.token })
    expect(own.status).toBe(200)
    expect(own.body.value).toEqual({ open: true })
    const listed = await shop.api.get(prefs, { token: clerk.token })
    expect(listed.status).toBe(200)
    expect(listed.body.docs.map((d: { value: unknown }) => d.value)).toEqual([{ open: true }])
  })

  it('payload-jobs, payload-migrations, payload-kv: nothing for buyers or anonymous callers', async () => {
    const before = await sqlRows(shop, 'SELECT (SELECT count(*) FROM payload_jobs) AS jobs, (SELECT count(*) FROM payload_migrations) AS migrations, (SELECT count(*) FROM payload_kv) AS kv')
    for (const token of [buyer.token, clerk.token, undefined]) {
      expect((await shop.api.get('/api/payload-jobs', { token })).status).toBe(403)
      expect((await shop.api.post('/api/payload-jobs', { taskSlug: 'settleOrders', input: {} }, { token })).status).toBe(403)
      expect([401, 403]).toContain((await shop.api.get('/api/payload-jobs/run', { token })).status)
      expect((await shop.api.get('/api/payload-kv', { token })).status).toBe(403)
      expect((await shop.api.post('/api/payload-kv', { key: 'x', data: {} }, { token })).status).toBe(403)
      // Payload serves no REST at all for migrations (501): nothing to read or write.
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
        const res = await shop.api.request(method, '/api/payload-migrations', { token, body: method === 'GET' ? undefined : { name: 'x', batch: 99 } })
        expect([403, 404, 501]).toContain(res.status)
      }
    }
    // Not even admins write migrations or the key-value store through the API.
    expect((await shop.api.post('/api/payload-kv', { key: 'x', data: {} }, { token: admin.token })).status).toBe(403)
    expect((await shop.api.get('/api/payload-kv', { token: admin.token })).status).toBe(403)
    expect(await sqlRows(shop, 'SELECT (SELECT count(*) FROM payload_jobs) AS jobs, (SELECT count(*) FROM payload_migrations) AS migrations, (SELECT count(*) FROM payload_kv) AS kv')).toEqual(before)
  })

  it('every collection Payload adds has its access decided here (a new one in an upgrade fails this test)', () => {
    const internal = shop.payload.config.collections.map((c) => c.slug).filter((slug) => slug.startsWith('payload-')).sort()
    expect(internal).toEqual(['payload-jobs', 'payload-kv', 'payload-locked-documents', 'payload-migrations', 'payload-preferences'])
  })
})
