// The per-IP limit on login and registration (AUTH_RATE_LIMIT a minute), counted in PostgreSQL so that
// several processes share it; the client's address comes from the Express front (the socket, or the
// trusted proxies' X-Forwarded-For with TRUST_PROXY), never from the client.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { getPayload } from 'payload'

import { closeOutsidePool } from '../../src/db/sql'
import { CLIENT_IP_HEADER, clientKey } from '../../src/shop/auth/clientAddress'
import { settingsOf } from '../../src/settings'
import { buildShopConfig } from '../../src/config'
import { closePool } from '../../src/db/migrate'
import { env } from '../../src/env'
import { closePaymentGateway } from '../../src/payments'
import { serve } from '../helpers/http'
import { Api, registerBuyer, roomInClockWindow, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let victim: Account
const LIMIT = 3

beforeAll(async () => {
  shop = await startTestShop() // the harness switches the limit off; each test here sets its own
  victim = await registerBuyer(shop)
})
afterAll(async () => {
  await shop?.stop()
})
/** This test shop's limit (its own setting, not the shared env): each test here sets its own. */
const setLimit = (limit: number) => {
  settingsOf(shop.payload).authRateLimit = limit
}

beforeEach(async () => {
  setLimit(LIMIT)
  await roomInWindow()
})
afterEach(() => {
  setLimit(0)
})

let lastIp = 0
/** A documentation address (TEST-NET-2) no other test has used. */
const freshIp = () => `198.51.100.${++lastIp}`

/**
 * Windows are whole minutes of the database clock: a test that needs all its attempts in one window
 * waits for the next one when fewer than 15 seconds of the current one are left.
 */
const roomInWindow = (seconds = 15) => roomInClockWindow(shop, seconds)

const asIp = (ip: string) => ({ headers: { [CLIENT_IP_HEADER]: ip } })
const login = (ip: string, email: string, password: string, api: Api = shop.api) =>
  api.post('/api/users/login', { email, password }, asIp(ip))
let registered = 0
const register = (ip: string, api: Api = shop.api) =>
  api.post('/api/users', { email: `limited-${++registered}@example.com`, password: 'long enough password' }, asIp(ip))

const attemptsOf = async (key: string) =>
  (await sqlRows<{ count: number }>(shop, 'SELECT sum(count)::int AS count FROM auth_attempts WHERE ip = $1', [key]))[0]!.count ?? 0

/** What an attempt must not change: accounts, their failed logins, their sessions. */
const accounts = async () => ({
  users: await sqlRows(shop, 'SELECT id, email, role, hash FROM users ORDER BY id'),
  throttles: await sqlRows(shop, 'SELECT account, ip, failures::text, blocked_until FROM login_throttles ORDER BY account, ip'),
  sessions: await sqlRows(shop, 'SELECT count(*)::int AS n FROM users_sessions'),
})

const expectTooMany = (res: { status: number; body: any; headers: Headers }) => {
  expect(res.status).toBe(429)
  expect(res.body.errors[0]).toEqual(expect.objectContaining({ message: expect.stringMatching(/Too many/), data: { retryAfter: expect.any(Number) } }))
  const retryAfter = Number(res.headers.get('retry-after'))
  expect(retryAfter).toBe(res.body.errors[0].data.retryAfter)
  expect(retryAfter).toBeGreaterThanOrEqual(1)
  expect(retryAfter).toBeLessThanOrEqual(60)
  expect(res.body.token).toBeUndefined()
}

describe('auth rate limit', () => {
  it('counts logins and registrations together; over the limit → 429 with Retry-After, and nothing changes', async () => {
    const ip = freshIp()
    expect((await login(ip, victim.email, victim.password)).status).toBe(200)
    expect((await login(ip, victim.email, 'wrong password')).status).toBe(401)
    expect((await register(ip)).status).toBe(201)
    const [{ failures }] = (await sqlRows(shop, 'SELECT failures FROM login_throttles WHERE user_id = $1', [victim.id])) as any[]
    expect(Number(failures)).toBe(1)

    const before = await accounts()
    expectTooMany(await register(ip))
    expectTooMany(await login(ip, victim.email, 'wrong password'))
    expectTooMany(await login(ip, victim.email, victim.password)) // even the right password
    expectTooMany(await shop.api.post('/api/users/login', { username: 'nobody', password: 'x' }, asIp(ip)))
    // No account created, no failed login counted, no lock, no session opened.
    expect(await accounts()).toEqual(before)
    expect(await attemptsOf(ip)).toBe(LIMIT + 4)
  })

  it('counts password-reset requests too, so nobody can flood a mailbox with reset emails', async () => {
    await roomInWindow()
    const ip = freshIp()
    const forgot = () => shop.api.post('/api/users/forgot-password', { email: victim.email }, asIp(ip))
    for (let i = 0; i < LIMIT; i++) expect((await forgot()).status).toBe(200)
    const [{ token: before }] = (await sqlRows(shop, 'SELECT reset_password_token AS token FROM users WHERE id = $1', [victim.id])) as any[]
    expectTooMany(await forgot())
    const [{ token: after }] = (await sqlRows(shop, 'SELECT reset_password_token AS token FROM users WHERE id = $1', [victim.id])) as any[]
    expect(after).toBe(before) // no new reset token, no email
    expect(await attemptsOf(ip)).toBe(LIMIT + 1)
  })

  it('limits each address on its own: another one still gets in', async () => {
    const noisy = freshIp()
    for (let i = 0; i < LIMIT; i++) expect((await login(noisy, 'nobody@example.com', 'guess')).status).toBe(401)
    expectTooMany(await login(noisy, victim.email, victim.password))
    const quiet = freshIp()
    expect((await login(quiet, victim.email, victim.password)).status).toBe(200)
    expect((await register(quiet)).status).toBe(201)
  })

  it('applies to requests that carry no address at all (one shared key)', async () => {
    const before = await attemptsOf('unknown')
    const results = []
    for (let i = 0; i <= LIMIT; i++) results.push((await shop.api.post('/api/users/login', { email: 'nobody@example.com', password: 'x' })).status)
    // Whatever other tests of this file left in this window under `unknown`: the limit is reached at the latest now.
    expect(results.at(-1)).toBe(429)
    expect(await attemptsOf('unknown')).toBe(before + LIMIT + 1)
  })

  it('counts atomically: of 8 parallel attempts exactly LIMIT get through', async () => {
    const ip = freshIp()
    const statuses = await Promise.all(Array.from({ length: 8 }, () => login(ip, 'nobody@example.com', 'guess').then((r) => r.status)))
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMIT)
    expect(statuses.filter((s) => s === 429)).toHaveLength(8 - LIMIT)
  })

  it('AUTH_RATE_LIMIT=0 switches it off (and counts nothing)', async () => {
    setLimit(0)
    const ip = freshIp()
    for (let i = 0; i < LIMIT + 3; i++) expect((await login(ip, `nobody-${i}@example.com`, 'guess')).status).toBe(401)
    expect((await register(ip)).status).toBe(201)
    expect(await attemptsOf(ip)).toBe(0)
  })

  it('does not count admins creating accounts, nor the Local API', async () => {
    const ip = freshIp()
    setLimit(0)
    const { createAdmin } = await import('../helpers/shop')
    const admin = await createAdmin(shop)
    setLimit(LIMIT)
    for (let i = 0; i < LIMIT + 1; i++) {
      const res = await shop.api.post('/api/users', { email: `staff-made-${i}@example.com`, password: 'long enough password' }, { token: admin.token, ...asIp(ip) })
      expect(res.status).toBe(201)
    }
    expect(await attemptsOf(ip)).toBe(0)
    const unknown = await attemptsOf('unknown')
    await shop.payload.login({ collection: 'users', data: { email: victim.email, password: victim.password } })
    expect(await attemptsOf('unknown')).toBe(unknown)
  })

  it('is shared by two processes on one database', async () => {
    const second = await getPayload({
      config: buildShopConfig({ databaseUrl: shop.databaseUrl, poolMax: 3, autoRunJobs: false, settings: { authRateLimit: LIMIT } }),
      key: 'second',
    })
    const other = new Api(second.config, 'second')
    // A window from long ago, which one of the limiters purges as it goes.
    await sqlRows(shop, "INSERT INTO auth_attempts (ip, window_start, count) VALUES ('203.0.113.1', date_trunc('minute', now()) - interval '10 minutes', 7)")
    try {
      const ip = freshIp()
      expect((await login(ip, victim.email, 'wrong', shop.api)).status).toBe(401)
      expect((await login(ip, victim.email, 'wrong', other)).status).toBe(401)
      expect((await register(ip, other)).status).toBe(201)
      expectTooMany(await login(ip, victim.email, victim.password, shop.api))
      expectTooMany(await register(ip, other))
      expect(await attemptsOf(ip)).toBe(LIMIT + 2)
    } finally {
      await second.destroy()
      await closePaymentGateway(second)
      await closeOutsidePool(second) // waits for a purge it may have started
      await closePool(second)
    }
    // Reset the victim's failed logins for the other tests.
    await sqlRows(shop, 'DELETE FROM login_throttles WHERE user_id = $1', [victim.id])
    expect(await attemptsOf('203.0.113.1')).toBe(0)
  })
})

describe('the client address', () => {
  let http: Awaited<ReturnType<typeof serve>>
  beforeAll(async () => {
    http = await serve(shop.payload)
  })
  afterAll(async () => {
    await http?.close()
  })

  it('is the socket peer: a client cannot choose it with the shop header or X-Forwarded-For', async () => {
    const spoofed = freshIp()
    const attempt = (headers: Record<string, string>) =>
      fetch(`${http.base}/api/users/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'guess' }),
      })
    const before = await attemptsOf('127.0.0.1')
    expect((await attempt({ [CLIENT_IP_HEADER]: spoofed })).status).toBe(401)
    expect((await attempt({ 'X-Forwarded-For': spoofed })).status).toBe(401)
    expect(await attemptsOf(spoofed)).toBe(0)
    expect(await attemptsOf('127.0.0.1')).toBe(before + 2)

    // Once the loopback address is over the limit, neither header gets a client a fresh budget.
    while ((await attemptsOf('127.0.0.1')) < LIMIT) await attempt({})
    const tries: Array<Record<string, string>> = [{}, { [CLIENT_IP_HEADER]: freshIp() }, { 'X-Forwarded-For': freshIp() }]
    for (const headers of tries) {
      const res = await attempt(headers)
      expect(res.status).toBe(429)
      const retryAfter = Number(res.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeLessThanOrEqual(60)
      expect((await res.json()).errors[0].message).toMatch(/Too many/)
    }
  })
})

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  // The tests' requests come from 127.0.0.1: here it plays the proxy, which appends the client's address.
  const behind = async (trust: false | number | string[]) => {
    env.trustProxy = trust
    try {
      return await serve(shop.payload) // the setting is read when the app is made
    } finally {
      env.trustProxy = false
    }
  }
  const attemptVia = (base: string, forwardedFor?: string) =>
    fetch(`${base}/api/users/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}) },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'guess' }),
    })

  it('trusting the proxy: each client counted by its own address, never by one it wrote itself', async () => {
    const http = await behind(['loopback'])
    try {
      const [alice, bob, forged] = [freshIp(), freshIp(), freshIp()]
      const proxy = await attemptsOf('127.0.0.1')
      for (let i = 0; i < LIMIT; i++) expect((await attemptVia(http.base, alice)).status).toBe(401)
      expect((await attemptVia(http.base, alice)).status).toBe(429)
      // Another client behind the same proxy still has its budget.
      expect((await attemptVia(http.base, bob)).status).toBe(401)
      // A client that sends its own X-Forwarded-For: the proxy appends the real address, which is counted.
      expect((await attemptVia(http.base, `${forged}, ${alice}`)).status).toBe(429)
      expect(await attemptsOf(forged)).toBe(0)
      expect(await attemptsOf(alice)).toBe(LIMIT + 2)
      expect(await attemptsOf(bob)).toBe(1)
      expect(await attemptsOf('127.0.0.1')).toBe(proxy) // the proxy itself is nobody's budget
    } finally {
      await http.close()
    }
  })

  it('a hop count: the client is that many addresses from the right', async () => {
    const http = await behind(2)
    try {
      const [client, forged] = [freshIp(), freshIp()]
      // forged (written by the client), client (appended by the outer proxy), 10.0.0.5 (the inner proxy)
      expect((await attemptVia(http.base, `${forged}, ${client}, 10.0.0.5`)).status).toBe(401)
      expect(await attemptsOf(client)).toBe(1)
      expect(await attemptsOf(forged)).toBe(0)
    } finally {
      await http.close()
    }
  })

  it('a request from an address that is not a trusted proxy: its X-Forwarded-For is ignored', async () => {
    const http = await behind(['203.0.113.0/24'])
    try {
      const forged = freshIp()
      const before = await attemptsOf('127.0.0.1')
      // 401, or 429 when the tests above already spent the loopback address's budget in this minute.
      expect([401, 429]).toContain((await attemptVia(http.base, forged)).status)
      expect(await attemptsOf(forged)).toBe(0)
      expect(await attemptsOf('127.0.0.1')).toBe(before + 1)
    } finally {
      await http.close()
    }
  })
})

describe('clientKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:bbbb:cccc:dddd:eeee', '2001:db8:1:2::/64'], // the same /64: one budget
    ['2001:0db8:0001:0003::1', '2001:db8:1:3::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
    ['', 'unknown'],
    [null, 'unknown'],
    ["' OR 1=1--", 'unknown'],
    ['203.0.113.7, 10.0.0.1', 'unknown'],
  ])('%p → %p', (input, key) => {
    expect(clientKey(input)).toBe(key)
  })
})
