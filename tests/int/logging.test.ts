// No buyer's name, phone or email, no password, token or pickup code in any log line at any level, on every
// path that could leak one: a database error inside checkout's transaction (drizzle puts a query's
// parameters in its message), an SMTP failure (mail servers quote the recipient), a failed login, a refused
// registration, a NUL byte in a filter. And bad input that ends in a 4xx is logged at warn or below, without
// a stack.
import net from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createLocalReq } from 'payload'

import { env } from '../../src/env'
import { scrubText, serializeError } from '../../src/lib/scrub'
import { sendDueNotifications } from '../../src/shop/emails'
import { contact, fillCart, seedCatalogue, type Catalogue } from '../helpers/fixtures'
import { serve } from '../helpers/http'
import { createAdmin, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

type Line = { level: number; msg?: string; err?: { stack?: string; type?: string } } & Record<string, unknown>
const lines: string[] = []
const logged = () => lines.map((l) => JSON.parse(l) as Line)
const capture = { write: (line: string) => void lines.push(line) }

/** A mail server that refuses every recipient, quoting the address as real ones do. */
function refusingSmtpServer() {
  const server = net.createServer((socket) => {
    socket.write('220 mail.test ESMTP\r\n')
    socket.on('data', (data) => {
      for (const command of data.toString().split('\r\n').filter(Boolean)) {
        const verb = command.slice(0, 4).toUpperCase()
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 mail.test\r\n')
        else if (verb === 'MAIL') socket.write('250 OK\r\n')
        else if (verb === 'RCPT') socket.write(`550 5.1.1 ${command.slice(8)}: Recipient address rejected: User unknown\r\n`)
        else if (verb === 'QUIT') socket.end('221 Bye\r\n')
        else socket.write('250 OK\r\n')
      }
    })
  })
  return new Promise<net.Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

let smtp: net.Server
let shop: TestShop
let admin: Account
let catalogue: Catalogue
const savedSmtp = env.mail.smtpUrl

beforeAll(async () => {
  smtp = await refusingSmtpServer()
  env.mail.smtpUrl = `smtp://127.0.0.1:${(smtp.address() as net.AddressInfo).port}`
  shop = await startTestShop({ logDestination: capture, logLevel: 'trace' })
  admin = await createAdmin(shop)
  catalogue = await seedCatalogue(shop, admin)
})
afterAll(async () => {
  env.mail.smtpUrl = savedSmtp
  await shop?.stop()
  await new Promise((resolve) => smtp?.close(resolve))
})

/** Everything personal or secret a test put into the shop; none of it may appear in the log. */
const secrets = new Set<string>()
const remember = (...values: string[]) => values.forEach((v) => secrets.add(v))
remember(contact.firstName, contact.lastName, contact.phone, '+79161234567', '9161234567')

function expectNoSecretsLogged() {
  const text = lines.join('\n')
  const leaked = [...secrets].filter((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)))
  expect(leaked).toEqual([])
}

describe('what reaches the log', () => {
  it('a database error inside checkout: the query is logged, its parameters (the contact) are not', async () => {
    const buyer = await registerBuyer(shop)
    remember(buyer.email, buyer.password, buyer.token)
    await fillCart(shop, buyer, { MILK: 1 })
    // The order's INSERT fails inside the reservation's transaction.
    await sqlRows(
      shop,
      `CREATE FUNCTION refuse_orders() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'orders are closed'; END $$;
       CREATE TRIGGER refuse_orders BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION refuse_orders();`,
    )
    try {
      const before = lines.length
      const res = await shop.api.post('/api/checkout', { pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_visa' }, { token: buyer.token })
      expect(res.status).toBe(500)
      const errors = logged().slice(before).filter((l) => l.level >= 50)
      expect(errors.length).toBeGreaterThan(0)
      expect(JSON.stringify(errors)).toContain('INSERT INTO orders')
      expect(JSON.stringify(errors)).toContain('orders are closed')
      // PostgreSQL's code on the logged error itself (a 4xx is logged with its code, not its cause).
      expect(errors.some((l) => (l.err as { code?: string } | undefined)?.code === 'P0001')).toBe(true)
    } finally {
      await sqlRows(shop, 'DROP TRIGGER refuse_orders ON orders; DROP FUNCTION refuse_orders();')
    }
    expectNoSecretsLogged()
  })

  it('an SMTP failure on a confirmation: logged without the recipient', async () => {
    const buyer = await registerBuyer(shop)
    remember(buyer.email, buyer.password, buyer.token)
    await fillCart(shop, buyer, { BREAD: 1 })
    const res = await shop.api.post('/api/checkout', { pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_visa' }, { token: buyer.token })
    expect(res.status).toBe(201)
    remember(res.body.order.pickupCode)
    const before = lines.length
    expect(await sendDueNotifications(await createLocalReq({}, shop.payload), { budgetMs: 0 })).toEqual({ sent: 0, skipped: 0, failed: 1 })
    const warnings = logged().slice(before).filter((l) => l.level >= 40)
    expect(JSON.stringify(warnings)).toContain('Recipient address rejected')
    expectNoSecretsLogged()
  })

  it('a failed login and a refused registration: at warn or below, no stack, nothing personal', async () => {
    const buyer = await registerBuyer(shop)
    remember(buyer.email, buyer.password, buyer.token, 'a wrong password 123')
    const before = lines.length
    expect((await shop.api.post('/api/users/login', { email: buyer.email, password: 'a wrong password 123' })).status).toBe(401)
    expect((await shop.api.post('/api/users', { email: buyer.email, password: 'another long password' })).status).toBe(400)
    remember('another long password')
    expect((await shop.api.post('/api/users', { email: 'new-buyer@example.com', password: 'long password 123', phone: '+7 999 000-11-2' })).status).toBe(400)
    remember('new-buyer@example.com', '+7 999 000-11-2')
    const after = logged().slice(before)
    expect(after.filter((l) => l.level > 40)).toEqual([])
    expect(after.filter((l) => l.err?.stack)).toEqual([])
    expectNoSecretsLogged()
  })

  it('a refused photo (HTML named .jpg): 400, logged at warn, not as a server error', async () => {
    const before = lines.length
    const form = new FormData()
    form.append('file', new Blob(['<!doctype html><script>alert(1)</script>'], { type: 'image/jpeg' }), 'photo.jpg')
    const res = await shop.api.request('POST', '/api/media', { raw: form, token: admin.token })
    expect(res.status).toBe(400)
    const after = logged().slice(before)
    expect(after.filter((l) => l.level === 40 && /Invalid MIME type/.test(l.msg ?? ''))).toHaveLength(1)
    expect(after.filter((l) => l.level > 40)).toEqual([])
  })

  it('a token not checked for a lost database (503): one short warn line, without the query or a stack', async () => {
    const { DatabaseUnavailable } = await import('../../src/shop/errors')
    const before = lines.length
    const lost = Object.assign(new Error('Failed query: select "users"."email" from "users" where id = $1\nparams: 7'), { cause: new Error('connect ECONNREFUSED') })
    shop.payload.logger.error({ err: new DatabaseUnavailable(lost) })
    const after = logged().slice(before)
    expect(after).toHaveLength(1)
    expect(after[0]).toMatchObject({ level: 40, err: { type: 'DatabaseUnavailable', status: 503 } })
    expect(JSON.stringify(after)).not.toMatch(/stack|Failed query|params/)
  })

  it('a NUL byte in a catalogue filter: 400, logged at warn without the query or a stack', async () => {
    const before = lines.length
    const res = await shop.api.get('/api/products?where[name][equals]=a%00b')
    expect(res.status).toBe(400)
    const after = logged().slice(before)
    expect(after.length).toBeGreaterThan(0)
    expect(after.filter((l) => l.level > 40)).toEqual([])
    expect(after.filter((l) => l.err?.stack)).toEqual([])
    expect(JSON.stringify(after)).not.toContain('params')
  })
})

describe('request ids', () => {
  const nulFilter = (base: string, headers: Record<string, string> = {}) => fetch(`${base}/api/products?where[name][equals]=a%00b`, { headers })
  const linesOf = (before: number) => logged().slice(before)

  it('every line logged while answering a request carries its id, which the answer also carries', async () => {
    const http = await serve(shop.payload)
    try {
      const before = lines.length
      const res = await nulFilter(http.base, { 'X-Request-Id': 'chosen-by-the-client' })
      expect(res.status).toBe(400)
      const id = res.headers.get('x-request-id')
      expect(id).toMatch(/^[0-9a-f-]{36}$/) // a new one: a client does not name its own requests
      const after = linesOf(before)
      expect(after.length).toBeGreaterThan(0)
      expect(after.map((l) => l.requestId)).toEqual(after.map(() => id))
      // Two requests, two ids.
      const other = (await nulFilter(http.base)).headers.get('x-request-id')
      expect(other).toMatch(/^[0-9a-f-]{36}$/)
      expect(other).not.toBe(id)
    } finally {
      await http.close()
    }
  })

  it("behind a trusted proxy the proxy's id is kept (so one id follows the request), if it is a sane one", async () => {
    env.trustProxy = ['loopback']
    const http = await serve(shop.payload)
    env.trustProxy = false
    try {
      const before = lines.length
      const res = await nulFilter(http.base, { 'X-Request-Id': 'nginx-7f3a9c' })
      expect(res.headers.get('x-request-id')).toBe('nginx-7f3a9c')
      expect(linesOf(before).map((l) => l.requestId)).toContain('nginx-7f3a9c')
      const odd = await nulFilter(http.base, { 'X-Request-Id': 'x'.repeat(200) })
      expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    } finally {
      await http.close()
    }
  })
})

describe('scrubbing', () => {
  it('removes addresses, phones, tokens, pickup codes and query parameters from a text', () => {
    const text =
      'Failed query: insert into "orders" ("a") values ($1)\nparams: Анна,Иванова,+79161234567\n    at x (y.js:1:1) ' +
      'to <anna@example.com> phone +7 916 123-45-67 jwt eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MX0.abcdefgh code K7M3-QX9A.abcdefghijklmnop'
    const scrubbed = scrubText(text)
    for (const secret of ['Анна', '+79161234567', 'anna@example.com', '916 123-45-67', 'eyJhbGci', 'K7M3-QX9A.abcdefghijklmnop']) {
      expect(scrubbed).not.toContain(secret)
    }
    expect(scrubbed).toContain('insert into "orders"')
    expect(scrubbed).toContain('at x (y.js:1:1)')
    // Dates, prices and ids are not phones.
    expect(scrubText('order 12345 on 2026-11-29 for 39985')).toBe('order 12345 on 2026-11-29 for 39985')
  })

  it('serializes errors from safe fields only: no detail, no parameters, no recipients', () => {
    const err = Object.assign(new Error('duplicate key'), {
      code: '23505',
      detail: 'Key (email)=(anna@example.com) already exists.',
      rejected: ['anna@example.com'],
      params: ['Анна'],
      constraint: 'users_email_idx',
    })
    const out = serializeError(err)
    expect(out).toMatchObject({ type: 'Error', message: 'duplicate key', code: '23505', constraint: 'users_email_idx' })
    expect(JSON.stringify(out)).not.toMatch(/anna@example\.com|Анна/)
  })
})
