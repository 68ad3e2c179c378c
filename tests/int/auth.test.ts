// Accounts: registration, login, roles, and who may change what.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { createOrPromoteAdmin } from '../../src/shop/admins'
import { createAdmin, login, registerBuyer, sqlRows, startTestShop, type TestShop } from '../helpers/shop'

let shop: TestShop
beforeAll(async () => {
  shop = await startTestShop()
})
afterAll(async () => {
  await shop?.stop()
})

const decodeJwt = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())

describe('registration', () => {
  it('creates a buyer whatever role the body asks for', async () => {
    const res = await shop.api.post('/api/users', {
      email: 'Mallory@Example.com',
      password: 'long enough password',
      role: 'admin',
      loginAttempts: 99,
      _verified: true,
    })
    expect(res.status).toBe(201)
    const [row] = await sqlRows<{ role: string; throttled: number }>(
      shop,
      'SELECT role, (SELECT count(*)::int FROM login_throttles t WHERE t.user_id = u.id) AS throttled FROM users u WHERE email = $1',
      ['mallory@example.com'],
    )
    expect(row?.role).toBe('buyer')
    expect(row?.throttled).toBe(0)
  })

  it('stores the phone in E.164 and refuses an invalid one', async () => {
    const ok = await shop.api.post('/api/users', {
      email: 'phone-ok@example.com',
      password: 'long enough password',
      phone: '8 (916) 555-12-34',
    })
    expect(ok.status).toBe(201)
    const [row] = await sqlRows<{ phone: string }>(shop, 'SELECT phone FROM users WHERE email = $1', ['phone-ok@example.com'])
    expect(row?.phone).toBe('+79165551234')

    const bad = await shop.api.post('/api/users', { email: 'phone-bad@example.com', password: 'long enough password', phone: '12' })
    expect(bad.status).toBe(400)
    expect(await sqlRows(shop, 'SELECT 1 FROM users WHERE email = $1', ['phone-bad@example.com'])).toHaveLength(0)
  })

  it('refuses usernames with "@" and duplicate emails', async () => {
    const at = await shop.api.post('/api/users', { email: 'u1@example.com', username: 'a@b', password: 'long enough password' })
    expect(at.status).toBe(400)
    await registerBuyer(shop, { username: 'dup_check' })
    const again = await shop.api.post('/api/users', { email: 'u2@example.com', username: 'dup_check', password: 'long enough password' })
    expect(again.status).toBe(400)
    expect(await sqlRows(shop, 'SELECT 1 FROM users WHERE email IN ($1, $2)', ['u1@example.com', 'u2@example.com'])).toHaveLength(0)
  })

  it('refuses Payload first-register, which would bypass access', async () => {
    const before = await sqlRows(shop, 'SELECT count(*)::int AS n FROM users')
    const res = await shop.api.post('/api/users/first-register', {
      email: 'first@example.com',
      password: 'long enough password',
      role: 'admin',
    })
    expect(res.status).toBe(403)
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM users')).toEqual(before)
  })
})

describe('login', () => {
  it('works with email or username and puts the role in the JWT', async () => {
    const buyer = await registerBuyer(shop, { username: 'anna' })
    const byUsername = await shop.api.post('/api/users/login', { username: 'anna', password: buyer.password })
    expect(byUsername.status).toBe(200)
    expect(byUsername.body).toEqual(expect.objectContaining({ token: expect.any(String), exp: expect.any(Number) }))
    expect(byUsername.body.user.id).toBe(buyer.id)
    expect(decodeJwt(byUsername.body.token).role).toBe('buyer')

    const admin = await createAdmin(shop)
    expect(decodeJwt(admin.token).role).toBe('admin')
  })

  it('accepts the token as Bearer and as JWT', async () => {
    const buyer = await registerBuyer(shop)
    for (const scheme of ['Bearer', 'JWT'] as const) {
      const me = await shop.api.get('/api/users/me', { token: buyer.token, scheme })
      expect(me.status).toBe(200)
      expect(me.body.user.email).toBe(buyer.email)
    }
  })

  it('refuses a wrong password', async () => {
    const buyer = await registerBuyer(shop)
    const res = await shop.api.post('/api/users/login', { email: buyer.email, password: 'wrong' })
    expect(res.status).toBe(401)
    expect(res.body.token).toBeUndefined()
  })

  it('rejects forged and tampered tokens', async () => {
    const buyer = await registerBuyer(shop)
    const [header, , signature] = buyer.token.split('.')
    const claims = { ...decodeJwt(buyer.token), role: 'admin' }
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`
    for (const token of [tampered, none]) {
      const me = await shop.api.get('/api/users/me', { token })
      expect(me.body.user).toBeNull()
      const create = await shop.api.post('/api/products', { id: 'FORGED', name: 'x', price: 1, unit: 'pcs' }, { token })
      expect(create.status).toBe(403)
    }
    expect(await sqlRows(shop, "SELECT 1 FROM products WHERE id = 'FORGED'")).toHaveLength(0)
  })
})

describe('own account', () => {
  it('a buyer reads and edits their own record but cannot change their role', async () => {
    const buyer = await registerBuyer(shop)
    const res = await shop.api.patch(`/api/users/${buyer.id}`, { firstName: 'Анна', role: 'admin' }, { token: buyer.token })
    expect(res.status).toBe(200)
    expect(res.body.doc.firstName).toBe('Анна')
    const [row] = await sqlRows<{ role: string }>(shop, 'SELECT role FROM users WHERE id = $1', [buyer.id])
    expect(row?.role).toBe('buyer')
  })

  it('a buyer can neither read nor edit another account', async () => {
    const a = await registerBuyer(shop)
    const b = await registerBuyer(shop, { firstName: 'Борис' })
    const read = await shop.api.get(`/api/users/${b.id}`, { token: a.token })
    expect(read.status).toBe(404)
    const list = await shop.api.get('/api/users?limit=100', { token: a.token })
    expect(list.body.docs.map((u: { id: number }) => u.id)).toEqual([a.id])
    const edit = await shop.api.patch(`/api/users/${b.id}`, { firstName: 'Хакер' }, { token: a.token })
    expect(edit.status).toBe(403)
    const [row] = await sqlRows<{ first_name: string }>(shop, 'SELECT first_name FROM users WHERE id = $1', [b.id])
    expect(row?.first_name).toBe('Борис')
  })

  it('an admin cannot change a buyer\'s email or password (no takeover)', async () => {
    const admin = await createAdmin(shop)
    const buyer = await registerBuyer(shop)
    const [before] = await sqlRows(shop, 'SELECT email, hash FROM users WHERE id = $1', [buyer.id])
    for (const data of [{ password: 'taken over 123' }, { email: 'attacker@example.com' }]) {
      const res = await shop.api.patch(`/api/users/${buyer.id}`, data, { token: admin.token })
      expect(res.status).toBe(403)
    }
    const bulk = await shop.api.patch(`/api/users?where[id][equals]=${buyer.id}`, { password: 'taken over 123' }, { token: admin.token })
    expect(bulk.status).toBeGreaterThanOrEqual(400)
    expect(bulk.status).toBeLessThan(500)
    const [after] = await sqlRows(shop, 'SELECT email, hash FROM users WHERE id = $1', [buyer.id])
    expect(after).toEqual(before)
    await expect(login(shop, buyer.email, buyer.password)).resolves.toEqual(expect.any(String))
  })

  it('anonymous users cannot list accounts', async () => {
    const res = await shop.api.get('/api/users')
    expect(res.status).toBe(403)
  })
})

describe('second lines of defence (hooks that hold even where access is bypassed)', () => {
  it('an account created with access bypassed is still a buyer unless create-admin grants the role', async () => {
    const doc = await shop.payload.create({
      collection: 'users',
      data: { email: 'bypass@example.com', password: 'long enough password', role: 'admin' },
      overrideAccess: true,
    })
    expect(doc.role).toBe('buyer')
    const updated = await shop.payload.update({ collection: 'users', id: doc.id, data: { role: 'admin' }, overrideAccess: true })
    expect(updated.role).toBe('buyer')
  })

  it("a logged-in admin cannot change another account's credentials even with access bypassed", async () => {
    const admin = await createAdmin(shop)
    const buyer = await registerBuyer(shop)
    const adminUser = await shop.payload.findByID({ collection: 'users', id: admin.id, overrideAccess: true })
    const [before] = await sqlRows(shop, 'SELECT email, hash FROM users WHERE id = $1', [buyer.id])
    await expect(
      shop.payload.update({
        collection: 'users',
        id: buyer.id,
        data: { password: 'taken over 123' },
        overrideAccess: true,
        user: { ...adminUser, collection: 'users' },
      }),
    ).rejects.toMatchObject({ status: 403 })
    expect(await sqlRows(shop, 'SELECT email, hash FROM users WHERE id = $1', [buyer.id])).toEqual([before])
  })
})

describe('admin panel', () => {
  it('lets admins in and keeps buyers and anonymous users out', async () => {
    const admin = await createAdmin(shop)
    const buyer = await registerBuyer(shop)
    expect((await shop.api.get('/api/access', { token: admin.token })).body.canAccessAdmin).toBe(true)
    // Payload leaves the flag out when it is false.
    expect((await shop.api.get('/api/access', { token: buyer.token })).body.canAccessAdmin).not.toBe(true)
    expect((await shop.api.get('/api/access')).body.canAccessAdmin).not.toBe(true)
  })
})

describe('admins', () => {
  it('are made only by create-admin, which also promotes an existing account', async () => {
    const buyer = await registerBuyer(shop)
    const result = await createOrPromoteAdmin(shop.payload, { email: buyer.email, password: 'new admin password' })
    expect(result).toEqual({ id: buyer.id, created: false })
    const token = await login(shop, buyer.email, 'new admin password')
    expect(decodeJwt(token).role).toBe('admin')
  })

  it('an owner editing their profile stays logged in (the account keeps its sessions)', async () => {
    const buyer = await registerBuyer(shop)
    const res = await shop.api.patch(`/api/users/${buyer.id}`, { firstName: 'Анна' }, { token: buyer.token })
    expect(res.status).toBe(200)
    const me = await shop.api.get('/api/users/me', { token: buyer.token })
    expect(me.body.user).toMatchObject({ id: buyer.id, firstName: 'Анна' })
  })

  it('cannot hand out the admin role through the API', async () => {
    const admin = await createAdmin(shop)
    const buyer = await registerBuyer(shop)
    const create = await shop.api.post('/api/users', { email: 'made-by-admin@example.com', password: 'long enough password', role: 'admin' }, { token: admin.token })
    expect(create.status).toBe(403)
    const promote = await shop.api.patch(`/api/users/${buyer.id}`, { role: 'admin' }, { token: admin.token })
    expect(promote.status).toBe(403)
    const rows = await sqlRows<{ role: string }>(shop, 'SELECT role FROM users WHERE email IN ($1, $2)', ['made-by-admin@example.com', buyer.email])
    expect(rows.map((r) => r.role)).toEqual(['buyer'])
  })
})
