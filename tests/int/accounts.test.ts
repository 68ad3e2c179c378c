// Buyer accounts (#13): login throttling per account and address that a stranger cannot turn against the
// owner, and the password policy. Logins go through the real Express front over loopback, each client from
// a source address of its own (127.0.0.x), as the shop sees them.
import crypto from 'node:crypto'

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createLocalReq } from 'payload'

import { env } from '../../src/env'
import { FORWARDED_FOR_HEADER, FORWARDED_KEY_HEADER, forwardingKey } from '../../src/lib/forwardedClient'
import { sendDueNotifications } from '../../src/shop/emails'
import { settingsOf } from '../../src/settings'
import { contact, fillCart, seedCatalogue, stockDisagreements, type Catalogue } from '../helpers/fixtures'
import { type Answer, call, serve } from '../helpers/http'
import { emailsTo } from '../helpers/mail'
import { createAdmin, createStaff, login, registerBuyer, roomInClockWindow, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let front: Awaited<ReturnType<typeof serve>>
let admin: Account
let catalogue: Catalogue

beforeAll(async () => {
  shop = await startTestShop()
  front = await serve(shop.payload)
  admin = await createAdmin(shop)
  catalogue = await seedCatalogue(shop, admin)
})
afterAll(async () => {
  await front?.close()
  await shop?.stop()
})
afterEach(() => {
  settingsOf(shop.payload).authRateLimit = 0
})

const logIn = (from: string, email: string, password: string) => call(front.base, 'POST', '/api/users/login', { from, body: { email, password } })
const throttleRows = (userId: number) =>
  sqlRows<{ ip: string; failures: string; waits: boolean }>(
    shop,
    'SELECT ip, failures::text, blocked_until > now() AS waits FROM login_throttles WHERE user_id = $1 ORDER BY ip',
    [userId],
  )
const retryAfter = (a: Answer) => Number(a.headers['retry-after'])

describe('login throttling per account and address', () => {
  it('an attacker failing 50 times from one address never locks the owner out: the owner logs in at once from another', async () => {
    const owner = await registerBuyer(shop)
    const attacker = '127.0.0.2'
    const statuses: number[] = []
    for (let i = 0; i < 50; i++) statuses.push((await logIn(attacker, owner.email, `wrong guess number ${i}`)).status)
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(statuses.slice(5)).toEqual(Array(45).fill(429))
    // Even the right password waits at the attacker's address, with a Retry-After of about 30 s.
    const fromAttacker = await logIn(attacker, owner.email, owner.password)
    expect(fromAttacker.status).toBe(429)
    expect(fromAttacker.body.token).toBeUndefined()
    expect(retryAfter(fromAttacker)).toBeGreaterThan(20)
    expect(retryAfter(fromAttacker)).toBeLessThanOrEqual(30)

    const fromOwner = await logIn('127.0.0.3', owner.email, owner.password)
    expect(fromOwner.status).toBe(200)
    expect(fromOwner.body.token).toEqual(expect.any(String))
    // Counted: 5 failures (the refused attempts are not failures); the owner's success clears nothing of the attacker's.
    expect(await throttleRows(owner.id)).toEqual([{ ip: attacker, failures: '5', waits: true }])
  })

  it('every way of naming the account counts against it: email, username, both, any case or padding (#17)', async () => {
    const username = `forms-${crypto.randomBytes(4).toString('hex')}`
    const owner = await registerBuyer(shop, { username })
    const from = '127.0.0.9'
    // Payload looks the account up by `username` when the body has one (matched against emails too), else by `email`.
    const forms = (password: string): Array<Record<string, string>> => [
      { email: owner.email, password },
      { username: owner.email, password },
      { email: 'decoy-1', username: owner.email, password },
      { email: `  ${owner.email.toUpperCase()} `, password },
      { username: ` ${username.toUpperCase()}`, password },
      { email: 'nobody@example.com', username, password },
    ]
    // 5 failures through five different forms: the address now waits on this account...
    for (const [i, body] of forms('').slice(0, 5).entries()) {
      const answer = await call(front.base, 'POST', '/api/users/login', { from, body: { ...body, password: `wrong password ${i}` } })
      expect(answer.status).toBe(401)
    }
    expect(await throttleRows(owner.id)).toEqual([{ ip: from, failures: '5', waits: true }])
    // ...whichever form it uses, even with the right password.
    for (const body of forms(owner.password)) {
      const answer = await call(front.base, 'POST', '/api/users/login', { from, body })
      expect({ body, status: answer.status, token: answer.body.token }).toEqual({ body, status: 429, token: undefined })
    }
    expect(await throttleRows(owner.id)).toEqual([{ ip: from, failures: '5', waits: true }])
    // The owner, elsewhere, logs in with every form.
    for (const body of forms(owner.password)) expect((await call(front.base, 'POST', '/api/users/login', { from: '127.0.0.10', body })).status).toBe(200)
  })

  it('the wait grows with every failure after it (30 s, 60 s, 120 s …, at most an hour)', async () => {
    const owner = await registerBuyer(shop)
    const from = '127.0.0.4'
    for (let i = 0; i < 5; i++) expect((await logIn(from, owner.email, `guess ${i} of many`)).status).toBe(401)
    const waits: number[] = [retryAfter(await logIn(from, owner.email, 'x'))]
    for (let round = 0; round < 3; round++) {
      // As if the wait had run out.
      await sqlRows(shop, `UPDATE login_throttles SET blocked_until = now() - interval '1 second' WHERE user_id = $1`, [owner.id])
      expect((await logIn(from, owner.email, `one more guess ${round}`)).status).toBe(401)
      waits.push(retryAfter(await logIn(from, owner.email, 'x')))
    }
    expect(waits.map((w) => Math.round(w / 30) * 30)).toEqual([30, 60, 120, 240])
  })

  it('a successful login clears its own address: the owner who mistyped 4 times starts again at 0', async () => {
    const owner = await registerBuyer(shop)
    const from = '127.0.0.5'
    for (let i = 0; i < 4; i++) expect((await logIn(from, owner.email, `typo typo ${i}`)).status).toBe(401)
    expect((await logIn(from, owner.email, owner.password)).status).toBe(200)
    expect(await throttleRows(owner.id)).toEqual([])
    for (let i = 0; i < 4; i++) expect((await logIn(from, owner.email, `typo again ${i}`)).status).toBe(401)
    expect((await logIn(from, owner.email, owner.password)).status).toBe(200)
  })

  it('over 100 failures an hour from many addresses slow the account to one attempt every 10 s, never a lock', async () => {
    // Hours are whole hours of the database clock: start with a minute of room in this one.
    await roomInClockWindow(shop, 60, 'hour')
    const owner = await registerBuyer(shop)
    for (let a = 0; a < 20; a++) {
      for (let i = 0; i < 5; i++) expect((await logIn(`127.0.1.${a + 1}`, owner.email, `spray ${a}-${i} guess`)).status).toBe(401)
    }
    // The owner, from a fresh address, gets the slot and is in.
    expect((await logIn('127.0.0.6', owner.email, owner.password)).status).toBe(200)
    // Right after, anyone else (a fresh address, even with the right password) waits for the next slot.
    const next = await logIn('127.0.0.7', owner.email, owner.password)
    expect(next.status).toBe(429)
    expect(retryAfter(next)).toBeGreaterThanOrEqual(1)
    expect(retryAfter(next)).toBeLessThanOrEqual(10)
    // When the slot comes (as if 10 s had passed), the owner is in again.
    await sqlRows(shop, `UPDATE login_accounts SET next_attempt_at = now() - interval '1 second'`)
    expect((await logIn('127.0.0.7', owner.email, owner.password)).status).toBe(200)
  }, 120_000)

  it("Payload's own lock is off: no account is ever locked, and the users table has no lock columns", async () => {
    const columns = await sqlRows<{ column_name: string }>(shop, `SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name IN ('login_attempts', 'lock_until')`)
    expect(columns).toEqual([])
    expect(shop.payload.collections.users.config.auth.maxLoginAttempts).toBe(0)
  })

  it('admins see throttled accounts (without their email) and can clear them; nobody else can', async () => {
    const owner = await registerBuyer(shop)
    const from = '127.0.0.8'
    for (let i = 0; i < 5; i++) await logIn(from, owner.email, `guessing ${i} again`)
    expect((await logIn(from, owner.email, owner.password)).status).toBe(429)

    const list = await shop.api.get(`/api/login-throttles?where[user][equals]=${owner.id}`, { token: admin.token })
    expect(list.status).toBe(200)
    expect(list.body.docs).toEqual([expect.objectContaining({ ip: from, failures: 5, blockedUntil: expect.any(String) })])
    expect(JSON.stringify(list.body)).not.toContain(owner.email)

    const buyer = await registerBuyer(shop)
    const id = list.body.docs[0].id
    expect((await shop.api.get('/api/login-throttles', { token: buyer.token })).status).toBe(403)
    expect((await shop.api.delete(`/api/login-throttles/${id}`, { token: buyer.token })).status).toBe(403)
    expect((await shop.api.patch(`/api/login-throttles/${id}`, { failures: 0 }, { token: admin.token })).status).toBe(403)
    expect((await shop.api.post('/api/login-throttles', { account: 'x', ip: '1.2.3.4', failures: 0, lastFailureAt: new Date().toISOString() }, { token: admin.token })).status).toBe(403)
    expect(await throttleRows(owner.id)).toEqual([{ ip: from, failures: '5', waits: true }])

    expect((await shop.api.delete(`/api/login-throttles/${id}`, { token: admin.token })).status).toBe(200)
    expect((await logIn(from, owner.email, owner.password)).status).toBe(200)
  })

  it('the per-address limit still counts every attempt: over AUTH_RATE_LIMIT a minute → 429 for any account', async () => {
    settingsOf(shop.payload).authRateLimit = 20
    await roomInClockWindow(shop, 15)
    const from = '127.0.0.9'
    for (let i = 0; i < 20; i++) expect((await logIn(from, `nobody-${i}@example.com`, 'wrong password 123')).status).toBe(401)
    expect((await logIn(from, `nobody-x@example.com`, 'wrong password 123')).status).toBe(429)
  })

  it('counts a call the storefront makes for a buyer under the buyer’s address, only with the key from the secret', async () => {
    settingsOf(shop.payload).authRateLimit = 2
    await roomInClockWindow(shop, 15)
    const storefront = '127.0.0.10'
    const forBuyer = (buyer: string, key = forwardingKey(env.secret)) => ({ [FORWARDED_FOR_HEADER]: buyer, [FORWARDED_KEY_HEADER]: key })
    const attempt = (headers: Record<string, string>) => call(front.base, 'POST', '/api/users/login', { from: storefront, headers, body: { email: 'nobody@example.com', password: 'wrong password 123' } })
    // Two buyers behind the one storefront address: each has a budget of their own.
    for (const buyer of ['203.0.113.1', '203.0.113.2']) {
      for (let i = 0; i < 2; i++) expect((await attempt(forBuyer(buyer))).status).toBe(401)
      expect((await attempt(forBuyer(buyer))).status).toBe(429)
    }
    // A made-up key names no address: the storefront's own budget (2) is what counts.
    for (let i = 0; i < 2; i++) expect((await attempt(forBuyer('203.0.113.3', 'x'.repeat(43)))).status).toBe(401)
    expect((await attempt(forBuyer('203.0.113.4', 'x'.repeat(43)))).status).toBe(429)
    expect((await sqlRows<{ key: string }>(shop, 'SELECT DISTINCT ip AS key FROM auth_attempts ORDER BY 1')).map((r) => r.key)).toEqual(
      expect.arrayContaining(['203.0.113.1', '203.0.113.2', storefront]),
    )
    settingsOf(shop.payload).authRateLimit = 0
  })
})

describe('password policy', () => {
  const userCount = async () => (await sqlRows<{ n: number }>(shop, 'SELECT count(*)::int AS n FROM users'))[0]!.n

  it.each([
    ['1234', 'length'],
    ['password', 'length'],
    ['elevenchars', 'length'],
    ['x'.repeat(257), 'length'],
    ['1qaz2wsx3edc', 'common'],
    ['Q1W2E3R4T5Y6', 'common'],
    ['ivan.petrov-1987', 'identity'],
    ['my name is marusya!', 'identity'],
  ])('registration with %s is refused (%s) and stores nothing', async (password, rule) => {
    const before = await userCount()
    const res = await shop.api.post('/api/users', { email: `ivan.petrov+${crypto.randomBytes(3).toString('hex')}@example.com`, username: 'marusya', password })
    expect(res.status).toBe(400)
    expect(res.body.errors[0].data).toEqual(expect.objectContaining({ field: 'password', rule }))
    expect(await userCount()).toBe(before)
  })

  it('names the rule in the user’s language', async () => {
    const ru = await shop.api.post('/api/users', { email: 'ru-weak@example.com', password: 'qwerty' }, { headers: { 'Accept-Language': 'ru-RU,ru;q=0.9' } })
    expect(ru.status).toBe(400)
    expect(ru.body.errors[0].message).toBe('Пароль должен быть длиной от 12 до 256 символов.')
    const en = await shop.api.post('/api/users', { email: 'en-weak@example.com', password: 'qwerty', locale: 'en' })
    expect(en.body.errors[0].message).toBe('The password must be 12 to 256 characters long.')
  })

  it('a password change is held to it too, and the old password keeps working', async () => {
    const buyer = await registerBuyer(shop)
    const hash = async () => (await sqlRows<{ hash: string }>(shop, 'SELECT hash FROM users WHERE id = $1', [buyer.id]))[0]!.hash
    const before = await hash()
    const res = await shop.api.patch(`/api/users/${buyer.id}`, { password: '1q2w3e4r5t6y', currentPassword: buyer.password }, { token: buyer.token })
    expect(res.status).toBe(400)
    expect(res.body.errors[0].data.rule).toBe('common')
    expect(await hash()).toBe(before)
    expect((await logIn('127.0.0.10', buyer.email, buyer.password)).status).toBe(200)
    expect((await shop.api.patch(`/api/users/${buyer.id}`, { password: 'a much better passphrase', currentPassword: buyer.password }, { token: buyer.token })).status).toBe(200)
  })

  it('accounts made before the policy keep logging in with their old password', async () => {
    const buyer = await registerBuyer(shop)
    // The hash Payload would have stored for a short password (pbkdf2-sha256, 25,000 rounds, 512 bytes).
    const salt = crypto.randomBytes(32).toString('hex')
    const hash = crypto.pbkdf2Sync('short1', salt, 25_000, 512, 'sha256').toString('hex')
    await sqlRows(shop, 'UPDATE users SET salt = $1, hash = $2 WHERE id = $3', [salt, hash, buyer.id])
    expect((await logIn('127.0.0.11', buyer.email, 'short1')).status).toBe(200)
  })
})

describe('password reset', () => {
  const resetLinkIn = (text: string) => /(https?:\/\/\S+)/.exec(text)?.[1]
  const tokenOf = (link: string) => decodeURIComponent(/(?:token=|\/admin\/reset\/)([^&\s]+)/.exec(link)![1]!)

  it('answers 200 for an address without an account, and sends nothing', async () => {
    const res = await shop.api.post('/api/users/forgot-password', { email: 'nobody-here@example.com' })
    expect(res.status).toBe(200)
    expect(emailsTo('nobody-here@example.com')).toEqual([])
  })

  it('a buyer gets an absolute storefront link in their language; the link sets a new password once, and ends every session', async () => {
    const buyer = await registerBuyer(shop, { locale: 'ru' })
    const otherSession = await login(shop, buyer.email, buyer.password)
    expect((await shop.api.post('/api/users/forgot-password', { email: buyer.email })).status).toBe(200)
    const [mail] = emailsTo(buyer.email)
    expect(mail!.subject).toBe('Сброс пароля в магазине 100am')
    expect(mail!.text).toContain('Задайте новый пароль')
    const link = resetLinkIn(mail!.text)!
    expect(link.startsWith(`${env.storefront.url}/reset-password?token=`)).toBe(true)
    expect(mail!.html).toContain(`href="${link.replace(/&/g, '&amp;')}"`)

    // The storefront's page (here the shop's own) takes the token from the link.
    const page = await call(front.base, 'GET', new URL(link).pathname + new URL(link).search)
    expect(page.status).toBe(200)
    expect(page.body).toContain('/api/users/reset-password')

    const token = tokenOf(link)
    const weak = await shop.api.post('/api/users/reset-password', { token, password: 'password1' })
    expect(weak.status).toBe(400)
    expect(weak.body.errors[0].message).toBe('Пароль должен быть длиной от 12 до 256 символов.')
    const done = await shop.api.post('/api/users/reset-password', { token, password: 'a brand new passphrase' })
    expect(done.status).toBe(200)
    expect(JSON.stringify(JSON.parse(Buffer.from(done.body.token.split('.')[1], 'base64url').toString()))).not.toContain(buyer.email)
    // The old password and every earlier session are gone; the new password works.
    for (const token of [buyer.token, otherSession]) expect((await shop.api.get('/api/cart', { token })).status).toBe(401)
    expect((await logIn('127.0.0.20', buyer.email, buyer.password)).status).toBe(401)
    expect((await logIn('127.0.0.20', buyer.email, 'a brand new passphrase')).status).toBe(200)
    // Once only.
    expect((await shop.api.post('/api/users/reset-password', { token, password: 'another new passphrase' })).status).toBe(403)
  })

  it('the token expires after an hour', async () => {
    const buyer = await registerBuyer(shop)
    await shop.api.post('/api/users/forgot-password', { email: buyer.email })
    const token = tokenOf(resetLinkIn(emailsTo(buyer.email)[0]!.text)!)
    const [row] = await sqlRows<{ minutes: number }>(shop, 'SELECT round(extract(epoch FROM reset_password_expiration - now()) / 60)::int AS minutes FROM users WHERE id = $1', [buyer.id])
    expect(row!.minutes).toBe(60)
    await sqlRows(shop, `UPDATE users SET reset_password_expiration = now() - interval '1 second' WHERE id = $1`, [buyer.id])
    expect((await shop.api.post('/api/users/reset-password', { token, password: 'too late passphrase' })).status).toBe(403)
    expect((await logIn('127.0.0.21', buyer.email, buyer.password)).status).toBe(200)
  })

  it('staff get the panel’s absolute link, in English when their account says so', async () => {
    const clerk = await shop.api.post('/api/users', { email: 'clerk-reset@example.com', password: 'counter and scales', role: 'staff', stores: [catalogue.stores.main], locale: 'en' }, { token: admin.token })
    expect(clerk.status).toBe(201)
    await shop.api.post('/api/users/forgot-password', { email: 'clerk-reset@example.com' })
    const [mail] = emailsTo('clerk-reset@example.com')
    expect(mail!.subject).toBe('Resetting your 100am shop password')
    expect(resetLinkIn(mail!.text)).toMatch(new RegExp(`^${env.serverUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/admin/reset/[0-9a-f]+$`))
  })
})

describe('the buyer’s own data', () => {
  async function buyerWithOrder() {
    const buyer = await registerBuyer(shop, { firstName: 'Евдокия', lastName: 'Экспортова', phone: '+7 916 765-43-21' })
    await fillCart(shop, buyer, { MILK: 2 })
    const res = await shop.api.post('/api/checkout', { pickupPoint: catalogue.stores.main, contact: { ...contact, firstName: 'Евдокия', lastName: 'Экспортова' }, paymentToken: 'tok_visa' }, { token: buyer.token })
    expect(res.status).toBe(201)
    await fillCart(shop, buyer, { BREAD: 1 })
    return { buyer, order: res.body.order as { id: number; number: string } }
  }

  it('GET /api/users/me/data: a download of the profile, the orders with lines and contact, the cart; the buyer’s alone', async () => {
    const { buyer, order } = await buyerWithOrder()
    const res = await call(front.base, 'GET', '/api/users/me/data', { token: buyer.token })
    expect(res.status).toBe(200)
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="100am-shop-account-\d+\.json"$/)
    expect(res.body.profile).toEqual(expect.objectContaining({ id: buyer.id, email: buyer.email, firstName: 'Евдокия', phone: '+79167654321' }))
    expect(res.body.orders).toEqual([
      expect.objectContaining({
        number: order.number,
        status: 'paid',
        contact: { firstName: 'Евдокия', lastName: 'Экспортова', phone: '+79161234567' },
        lines: [expect.objectContaining({ sku: 'MILK', quantity: '2' })],
      }),
    ])
    expect(res.body.cart).toEqual([expect.objectContaining({ sku: 'BREAD', quantity: '1' })])
    expect((await shop.api.get('/api/users/me/data')).status).toBe(401)
    // An admin asking gets their own (empty) data, never the buyer's.
    const adminsOwn = await shop.api.get('/api/users/me/data', { token: admin.token })
    expect(adminsOwn.body.orders).toEqual([])
    expect(JSON.stringify(adminsOwn.body)).not.toContain('Экспортова')
  })

  it('DELETE /api/users/me: refused while an order is open, with a wrong password, or without a password; nothing changes', async () => {
    const { buyer, order } = await buyerWithOrder()
    const state = async () => ({
      user: await sqlRows(shop, 'SELECT id, email, hash FROM users WHERE id = $1', [buyer.id]),
      orders: await sqlRows(shop, 'SELECT id, buyer_id, contact_first_name, contact_phone, status FROM orders WHERE buyer_id = $1', [buyer.id]),
      cart: await sqlRows(shop, 'SELECT l.product_id, l.quantity::text FROM cart_lines l JOIN carts c ON c.id = l.cart_id WHERE c.buyer_id = $1', [buyer.id]),
      sessions: await sqlRows(shop, 'SELECT id FROM users_sessions WHERE _parent_id = $1 ORDER BY id', [buyer.id]),
    })
    const before = await state()
    const open = await shop.api.delete('/api/users/me', { token: buyer.token, body: { password: buyer.password } })
    expect(open.status).toBe(409)
    expect(open.body.errors[0].message).toContain(order.number)
    expect((await shop.api.delete('/api/users/me', { token: buyer.token, body: { password: 'not my password at all' } })).status).toBe(403)
    expect((await shop.api.delete('/api/users/me', { token: buyer.token, body: {} })).status).toBe(400)
    expect((await shop.api.delete('/api/users/me', { body: { password: buyer.password } })).status).toBe(401)
    expect(await state()).toEqual(before)
  })

  it('DELETE /api/users/me: the account is gone, the orders stay without anything personal, the email can register again', async () => {
    const { buyer, order } = await buyerWithOrder()
    expect((await shop.api.post(`/api/orders/${order.id}/cancel`, { reason: 'moving away' }, { token: buyer.token })).status).toBe(200)
    const otherSession = await login(shop, buyer.email, buyer.password)
    const movements = () => sqlRows<{ all: number; theirs: number }>(shop, 'SELECT count(*)::int AS all, count(*) FILTER (WHERE by_id = $1)::int AS theirs FROM stock_movements', [buyer.id])
    const [ledger] = await movements()
    expect(ledger!.all).toBeGreaterThan(0)
    expect(ledger!.theirs).toBe(0) // a buyer is never named in the ledger, not even for their own cancel (#17)

    const res = await shop.api.delete('/api/users/me', { token: buyer.token, body: { password: buyer.password } })
    expect(res.status).toBe(200)
    // The ledger keeps every movement.
    expect(await movements()).toEqual([{ all: ledger!.all, theirs: 0 }])
    expect(await stockDisagreements(shop)).toEqual([]) // and still sums to every stock row

    expect(await sqlRows(shop, 'SELECT id FROM users WHERE id = $1', [buyer.id])).toEqual([])
    for (const token of [buyer.token, otherSession]) expect((await shop.api.get('/api/cart', { token })).status).toBe(401)
    expect((await logIn('127.0.0.30', buyer.email, buyer.password)).status).toBe(401)
    expect(await sqlRows(shop, 'SELECT c.id FROM carts c WHERE c.buyer_id = $1', [buyer.id])).toEqual([])

    // The shop's books keep the order: number, lines, amounts, store, status; nothing that names the person.
    const [row] = await sqlRows(shop, 'SELECT number, status, total::text, buyer_id, contact_first_name, contact_last_name, contact_phone FROM orders WHERE id = $1', [order.id])
    expect(row).toEqual({ number: order.number, status: 'cancelled', total: '17980', buyer_id: null, contact_first_name: null, contact_last_name: null, contact_phone: null })
    const list = await shop.api.get(`/api/orders?where[number][equals]=${order.number}&depth=1`, { token: admin.token })
    expect(list.body.docs).toHaveLength(1)
    expect(list.body.docs[0]).toEqual(expect.objectContaining({ number: order.number, status: 'cancelled', total: 17980 }))
    const text = JSON.stringify(list.body)
    for (const personal of [buyer.email, 'Евдокия', 'Экспортова', '+79161234567', '+79167654321']) expect(text).not.toContain(personal)
    expect((await sqlRows(shop, 'SELECT count(*)::int AS n FROM order_lines WHERE order_id = $1', [order.id]))[0]).toEqual({ n: 1 })

    // The address is free again: a new account, with nothing of the old one.
    const again = await shop.api.post('/api/users', { email: buyer.email, password: 'starting over again' })
    expect(again.status).toBe(201)
    const fresh = await login(shop, buyer.email, 'starting over again')
    expect((await shop.api.get('/api/users/me/data', { token: fresh })).body.orders).toEqual([])
  })
})

describe('emails in the buyer’s language', () => {
  const localeOf = async (email: string) => (await sqlRows<{ locale: string }>(shop, 'SELECT locale::text AS locale FROM users WHERE email = $1', [email]))[0]!.locale

  it('the account’s language: from the registration body, else Accept-Language, else SHOP_LOCALE (ru)', async () => {
    expect((await shop.api.post('/api/users', { email: 'lang-body@example.com', password: 'quiet harbour 77', locale: 'en' }, { headers: { 'Accept-Language': 'ru' } })).status).toBe(201)
    expect((await shop.api.post('/api/users', { email: 'lang-header@example.com', password: 'quiet harbour 77' }, { headers: { 'Accept-Language': 'en-US,en;q=0.9' } })).status).toBe(201)
    expect((await shop.api.post('/api/users', { email: 'lang-none@example.com', password: 'quiet harbour 77' })).status).toBe(201)
    expect([await localeOf('lang-body@example.com'), await localeOf('lang-header@example.com'), await localeOf('lang-none@example.com')]).toEqual(['en', 'en', 'ru'])
    const before = await sqlRows(shop, 'SELECT count(*)::int AS n FROM users')
    expect((await shop.api.post('/api/users', { email: 'lang-de@example.com', password: 'quiet harbour 77', locale: 'de' })).status).toBe(400)
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM users')).toEqual(before)
  })

  it.each([
    ['ru', (n: string) => `Ваш заказ ${n} в магазине 100am`, ['Яблоки Гала (APPLES): 1,5\u00a0кг × 199,90\u00a0₽ = 299,85\u00a0₽', 'Итого: 389,75\u00a0₽', 'Покажите приложенный QR-код']],
    ['en', (n: string) => `Your 100am shop order ${n}`, ['Яблоки Гала (APPLES): 1.5\u00a0kg × ₽199.90 = ₽299.85', 'Total: ₽389.75', 'Show the attached QR code']],
  ] as const)('the order confirmation in %s: words, money and quantities, with a plain-text part', async (locale, subject, lines) => {
    const buyer = await registerBuyer(shop, { locale })
    await fillCart(shop, buyer, { APPLES: 1.5, MILK: 1 })
    const res = await shop.api.post('/api/checkout', { pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_visa' }, { token: buyer.token })
    expect(res.status).toBe(201)
    while ((await sendDueNotifications(await createLocalReq({}, shop.payload))).sent > 0);
    const [mail] = emailsTo(buyer.email)
    expect(mail!.subject).toBe(subject(res.body.order.number))
    for (const line of lines) {
      expect(mail!.text).toContain(line)
      expect(mail!.html).toContain(line.replace(/&/g, '&amp;'))
    }
  })
})

describe('credential changes need the current password (#17)', () => {
  const account = async (id: number) => ({
    row: await sqlRows(shop, 'SELECT email, hash, salt FROM users WHERE id = $1', [id]),
    sessions: await sqlRows(shop, 'SELECT id FROM users_sessions WHERE _parent_id = $1 ORDER BY id', [id]),
  })

  it.each([
    ['a new password without currentPassword', 400, { password: 'stolen token takeover 1' }],
    ['a new email without currentPassword', 400, { email: 'attacker@example.com' }],
    ['a new password with a wrong currentPassword', 403, { password: 'stolen token takeover 1', currentPassword: 'not the password' }],
    ['a new email with a wrong currentPassword', 403, { email: 'attacker@example.com', currentPassword: 'not the password' }],
  ])('a stolen token alone: %s → %s, nothing changed, the old address not told', async (_name, status, body) => {
    const owner = await registerBuyer(shop)
    const before = await account(owner.id)
    const res = await shop.api.patch(`/api/users/${owner.id}`, body, { token: owner.token })
    expect(res.status).toBe(status)
    expect(await account(owner.id)).toEqual(before)
    expect(emailsTo(owner.email)).toEqual([])
    expect((await shop.api.get('/api/users/me', { token: owner.token })).body.user.id).toBe(owner.id)
  })

  it('a new password with the current one: saved, every other session ended, this one kept', async () => {
    const owner = await registerBuyer(shop)
    const otherSession = await login(shop, owner.email, owner.password)
    const res = await shop.api.patch(`/api/users/${owner.id}`, { password: 'a brand new passphrase 7', currentPassword: owner.password }, { token: owner.token })
    expect(res.status).toBe(200)
    expect((await shop.api.get('/api/users/me', { token: otherSession })).body.user).toBeNull()
    expect((await shop.api.get('/api/users/me', { token: owner.token })).body.user.id).toBe(owner.id)
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM users_sessions WHERE _parent_id = $1', [owner.id])).toEqual([{ n: 1 }])
    expect((await logIn('127.0.0.40', owner.email, owner.password)).status).toBe(401)
    expect((await logIn('127.0.0.40', owner.email, 'a brand new passphrase 7')).status).toBe(200)
  })

  it('a new email with the current password: saved, and the old address is told (in the account’s language, the new one masked)', async () => {
    const owner = await registerBuyer(shop, { locale: 'en' })
    const newEmail = `moved-${crypto.randomBytes(4).toString('hex')}@example.com`
    const res = await shop.api.patch(`/api/users/${owner.id}`, { email: newEmail, currentPassword: owner.password }, { token: owner.token })
    expect(res.status).toBe(200)
    expect(await sqlRows(shop, 'SELECT email FROM users WHERE id = $1', [owner.id])).toEqual([{ email: newEmail }])
    // Sent beside the update, not inside its transaction: a moment later.
    for (let i = 0; i < 100 && emailsTo(owner.email).length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    const [notice] = emailsTo(owner.email)
    expect(notice!.subject).toBe('The email of your 100am shop account was changed')
    expect(notice!.text).toContain('If it was not you')
    expect(notice!.text).not.toContain(newEmail)
    expect(notice!.text).not.toContain('example.com') // nothing of the new address: no text of a stranger's choosing
    expect(emailsTo(newEmail)).toEqual([])
  })

  it('every current-password check draws on the address’s AUTH_RATE_LIMIT (a guess each), like a login', async () => {
    const owner = await registerBuyer(shop)
    settingsOf(shop.payload).authRateLimit = 2
    await roomInClockWindow(shop, 10)
    const change = (i: number) => call(front.base, 'PATCH', `/api/users/${owner.id}`, { from: '127.0.0.43', token: owner.token, body: { password: 'another passphrase 99', currentPassword: `guess ${i}` } })
    expect([(await change(1)).status, (await change(2)).status, (await change(3)).status]).toEqual([403, 403, 429])
    // A profile edit without a credential check is not counted.
    expect((await call(front.base, 'PATCH', `/api/users/${owner.id}`, { from: '127.0.0.43', token: owner.token, body: { firstName: 'Анна' } })).status).toBe(200)
  })

  it('an admin saves a clerk as the panel does (username sent unchanged, the unreadable email left out): 200; a changed one: 403', async () => {
    const email = `clerk-form-${crypto.randomBytes(4).toString('hex')}@example.com`
    const made = await shop.api.post('/api/users', { email, username: `clerk${crypto.randomBytes(3).toString('hex')}`, password: 'clerk password 12345', role: 'staff', stores: [catalogue.stores.main] }, { token: admin.token })
    expect(made.status).toBe(201)
    const id = made.body.doc.id
    const [stored] = await sqlRows<{ username: string }>(shop, 'SELECT username FROM users WHERE id = $1', [id])
    const before = await account(id)
    const saved = await shop.api.patch(`/api/users/${id}`, { username: stored!.username, role: 'staff', stores: [catalogue.stores.other] }, { token: admin.token })
    expect(saved.status).toBe(200)
    expect(await account(id)).toEqual(before)
    expect((await shop.api.patch(`/api/users/${id}`, { username: 'renamed-by-admin' }, { token: admin.token })).status).toBe(403)
    expect((await shop.api.patch(`/api/users/${id}`, { email: 'taken@example.com' }, { token: admin.token })).status).toBe(403)
    expect(await account(id)).toEqual(before)
  })

  it('a profile edit that sends the unchanged email (as the panel does) needs no password', async () => {
    const owner = await registerBuyer(shop)
    const res = await shop.api.patch(`/api/users/${owner.id}`, { email: owner.email.toUpperCase(), firstName: 'Анна' }, { token: owner.token })
    expect(res.status).toBe(200)
    expect(emailsTo(owner.email)).toEqual([])
  })

  it('a wrong current password counts as a failed login from that address', async () => {
    const owner = await registerBuyer(shop)
    for (let i = 0; i < 5; i++) {
      expect((await call(front.base, 'PATCH', `/api/users/${owner.id}`, { from: '127.0.0.41', token: owner.token, body: { password: 'another passphrase 99', currentPassword: `guess ${i}` } })).status).toBe(403)
    }
    const throttled = await call(front.base, 'PATCH', `/api/users/${owner.id}`, { from: '127.0.0.41', token: owner.token, body: { password: 'another passphrase 99', currentPassword: owner.password } })
    expect(throttled.status).toBe(429)
  })
})

describe('staff and admins are deactivated, not deleted (#17)', () => {
  const makeStaff = () => createStaff(shop, admin, [catalogue.stores.main])

  it('a clerk deleting their own account, or an admin deleting a clerk → 409 naming the reason; the ledger keeps the clerk', async () => {
    const clerk = await makeStaff()
    const [stock] = await sqlRows<{ id: number }>(shop, 'SELECT id FROM stock WHERE store_id = $1 LIMIT 1', [catalogue.stores.main])
    expect((await shop.api.post(`/api/stock/${stock!.id}/write-off`, { quantity: 1, reason: 'damaged' }, { token: clerk.token })).status).toBe(200)
    const before = await sqlRows(shop, 'SELECT id, by_id FROM stock_movements WHERE by_id = $1', [clerk.id])
    expect(before).toHaveLength(1)
    const own = await shop.api.delete('/api/users/me', { token: clerk.token, body: { password: clerk.password } })
    expect(own.status).toBe(409)
    expect(own.body.errors[0].data.reason).toBe('named_in_ledger')
    const byAdmin = await shop.api.delete(`/api/users/${clerk.id}`, { token: admin.token })
    expect(byAdmin.status).toBe(409)
    expect(await sqlRows(shop, 'SELECT id FROM users WHERE id = $1', [clerk.id])).toEqual([{ id: clerk.id }])
    expect(await sqlRows(shop, 'SELECT id, by_id FROM stock_movements WHERE by_id = $1', [clerk.id])).toEqual(before)
    // Demoted to buyer, still named in the ledger: still not deleted.
    expect((await shop.api.patch(`/api/users/${clerk.id}`, { role: 'buyer' }, { token: admin.token })).status).toBe(200)
    expect((await shop.api.delete(`/api/users/${clerk.id}`, { token: admin.token })).status).toBe(409)
  })

  it('an admin deactivates a clerk: every session ends at once, login refused, the ledger keeps them; the clerk cannot reactivate', async () => {
    const clerk = await makeStaff()
    expect((await shop.api.patch(`/api/users/${clerk.id}`, { active: false }, { token: clerk.token })).status).toBe(200)
    expect(await sqlRows(shop, 'SELECT active FROM users WHERE id = $1', [clerk.id])).toEqual([{ active: true }]) // not theirs to change
    expect((await shop.api.patch(`/api/users/${clerk.id}`, { active: false }, { token: admin.token })).status).toBe(200)
    expect((await shop.api.get('/api/users/me', { token: clerk.token })).body.user).toBeNull()
    expect((await shop.api.get('/api/orders', { token: clerk.token })).status).toBe(403)
    expect((await logIn('127.0.0.42', clerk.email, clerk.password)).status).toBe(403)
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM users_sessions WHERE _parent_id = $1', [clerk.id])).toEqual([{ n: 0 }])
    expect((await shop.api.patch(`/api/users/${clerk.id}`, { active: true }, { token: admin.token })).status).toBe(200)
    expect((await logIn('127.0.0.42', clerk.email, clerk.password)).status).toBe(200)
  })

  it('an admin cannot switch their own account off (ignored): the shop keeps an admin who can log in', async () => {
    expect((await shop.api.patch(`/api/users/${admin.id}`, { active: false }, { token: admin.token })).status).toBe(200)
    expect(await sqlRows(shop, 'SELECT active FROM users WHERE id = $1', [admin.id])).toEqual([{ active: true }])
  })
})
