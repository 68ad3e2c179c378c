// The Express front: health, body limits, and Payload's REST API passed through intact.
import { spawn } from 'node:child_process'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { serve } from '../helpers/http'
import { createAdmin, registerBuyer, sqlRows, startTestShop, type TestShop } from '../helpers/shop'

/** Uploads photos of the given sizes with Node's fetch and FormData in a child process; its answers, or its errors. */
async function uploadFromAnotherProcess(url: string, token: string, uploads: Array<{ megabytes: number; headers: Record<string, string> }>) {
  const script = `
    const [url, token, uploads] = JSON.parse(process.argv[1])
    const answers = []
    for (const { megabytes, headers } of uploads) {
      const form = new FormData()
      form.append('file', new Blob([Buffer.alloc(Math.round(megabytes * 1024 * 1024), 7)], { type: 'image/png' }), 'huge.png')
      form.append('_payload', JSON.stringify({ alt: 'huge' }))
      try {
        const res = await fetch(url, { method: 'POST', headers: { Authorization: 'Bearer ' + token, ...headers }, body: form })
        answers.push({ status: res.status, body: await res.json() })
      } catch (err) {
        answers.push({ error: String(err.cause?.code ?? err.message) })
      }
    }
    console.log(JSON.stringify(answers))`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify([url, token, uploads])], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  await new Promise((resolve) => child.once('exit', resolve))
  return JSON.parse(out)
}

let shop: TestShop
let http: Awaited<ReturnType<typeof serve>>

beforeAll(async () => {
  shop = await startTestShop()
  http = await serve(shop.payload)
})
afterAll(async () => {
  await http?.close()
  await shop?.stop()
})

describe('HTTP server', () => {
  it('answers /healthz with 200 while the database answers', async () => {
    const res = await fetch(`${http.base}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', database: 'up' })
  })

  it('refuses a JSON body over 100 KB with 413 and creates nothing', async () => {
    const before = await sqlRows(shop, 'SELECT count(*)::int AS n FROM users')
    const res = await fetch(`${http.base}/api/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'big@example.com', password: 'long enough password', firstName: 'x'.repeat(110 * 1024) }),
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({ errors: [{ message: 'The request body is too large: at most 100 KB.' }] })
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM users')).toEqual(before)
  })

  it('an oversized photo gets a 413 that fetch() can read (the rest of the body is read and dropped), nothing stored', async () => {
    const admin = await createAdmin(shop)
    const before = await sqlRows(shop, 'SELECT count(*)::int AS n FROM media')
    // 10.5 MB passes the front's limit and meets Payload's; the others are refused by the front. Uploaded
    // from another process, as a real client is: in this process the server's close would wait politely
    // for the client to read, and the broken pipe would never show.
    const uploads: Array<{ megabytes: number; headers: Record<string, string> }> = [
      { megabytes: 10.5, headers: {} },
      { megabytes: 12, headers: {} },
      { megabytes: 20, headers: {} },
      { megabytes: 50, headers: {} },
      // In the admin panel's language (its cookie), or the browser's.
      { megabytes: 12, headers: { Cookie: 'payload-lng=ru' } },
      { megabytes: 12, headers: { 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.8' } },
    ]
    const answers = await uploadFromAnotherProcess(`${http.base}/api/media`, admin.token, uploads)
    expect(answers).toEqual([
      ...[10.5, 12, 20, 50].map(() => ({ status: 413, body: { errors: [{ message: 'The photo is too large: at most 10 MB.' }] } })),
      ...[1, 2].map(() => ({ status: 413, body: { errors: [{ message: 'Фото слишком большое: не больше 10 МБ.' }] } })),
    ])
    expect(await sqlRows(shop, 'SELECT count(*)::int AS n FROM media')).toEqual(before)
    expect((await fetch(`${http.base}/healthz`)).status).toBe(200)
  })

  it('answers malformed JSON with 400, also through a method override', async () => {
    for (const headers of [{}, { 'X-HTTP-Method-Override': 'GET' }] as Record<string, string>[]) {
      const res = await fetch(`${http.base}/api/products`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: '{"where": ',
      })
      const body = await res.json()
      expect({ headers, status: res.status, body }).toEqual({ headers, status: 400, body: expect.objectContaining({ errors: expect.any(Array) }) })
    }
  })

  it('passes login cookies through, so cookie sessions work', async () => {
    const buyer = await registerBuyer(shop)
    const login = await fetch(`${http.base}/api/users/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: buyer.email, password: buyer.password }),
    })
    expect(login.status).toBe(200)
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('payload-token='))
    expect(cookie).toBeDefined()
    // As a browser sends it on a same-origin fetch (a cookie without Origin or Sec-Fetch-Site is not used).
    const me = await fetch(`${http.base}/api/users/me`, { headers: { Cookie: cookie!.split(';')[0]!, 'Sec-Fetch-Site': 'same-origin' } })
    expect((await me.json()).user.email).toBe(buyer.email)
  })

  it('sets security headers and answers unknown API routes with a JSON 404', async () => {
    const res = await fetch(`${http.base}/api/nothing-here`)
    expect(res.status).toBe(404)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-powered-by')).toBeNull()
    expect(await res.json()).toEqual(expect.objectContaining({ message: expect.any(String) }))
  })
})
