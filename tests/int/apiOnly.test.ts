// SHOP_ADMIN=off: a web process that serves the API without the admin panel (Next is never loaded), and
// with SHOP_JOBS=off no scheduled work either: what the web replicas of a scaled deployment run.
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import sharp from 'sharp'

import { freePort } from '../../src/db/embedded'
import { createAdmin, startTestShop, type TestShop } from '../helpers/shop'
import { spawnShopProcess } from '../helpers/shopProcess'

let shop: TestShop
let child: ChildProcess | undefined
let output: () => string = () => ''
let base: string
let adminToken: string

beforeAll(async () => {
  shop = await startTestShop()
  const admin = await createAdmin(shop)
  adminToken = admin.token
  await shop.api.post('/api/products', { id: 'API-ONLY', name: 'Served without a panel', price: 100, unit: 'pcs', quantityStep: 1 }, { token: admin.token })
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  const started = spawnShopProcess('src/server.ts', shop.databaseUrl, { PORT: String(port), SHOP_ADMIN: 'off', SHOP_JOBS: 'off' })
  child = started.child
  output = started.output
  const deadline = Date.now() + 60_000
  for (;;) {
    const up = await fetch(`${base}/healthz`).then((r) => r.status === 200, () => false)
    if (up) break
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`The API-only server did not start:\n${output()}`)
    await new Promise((r) => setTimeout(r, 300))
  }
}, 90_000)

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  await shop?.stop()
})

describe('an API-only web process (SHOP_ADMIN=off)', () => {
  it('serves the API and its own routes', async () => {
    const products = await fetch(`${base}/api/products?where[id][equals]=API-ONLY`)
    expect(products.status).toBe(200)
    expect((await products.json()).docs.map((p: { id: string }) => p.id)).toEqual(['API-ONLY'])
    expect((await fetch(`${base}/api/openapi.json`)).status).toBe(200)
    expect((await fetch(`${base}/api/cart`)).status).toBe(401)
  })

  it('answers the panel with a JSON 404, and never loads Next', async () => {
    for (const path of ['/admin', '/admin/login', '/_next/static/x.js']) {
      const res = await fetch(`${base}${path}`)
      expect(res.status).toBe(404)
      expect((await res.json()).errors[0].message).toMatch(/API only/)
    }
    expect(output()).toContain('API only')
    expect(output()).not.toMatch(/next\.config/i)
  })

  it('loads sharp (libvips, ~28 MB resident) only when it first resizes a photo', async () => {
    const libvipsMapped = () => fs.readFileSync(`/proc/${child!.pid}/maps`, 'utf8').includes('libvips')
    expect(libvipsMapped()).toBe(false)
    const form = new FormData()
    const png = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#2b8ad9' } }).png().toBuffer()
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'api-only.png')
    form.append('_payload', JSON.stringify({ alt: 'api-only' }))
    const res = await fetch(`${base}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, body: form })
    expect(res.status).toBe(201)
    expect((await res.json()).doc.sizes.thumbnail).toEqual(expect.objectContaining({ width: 300, height: 300 }))
    expect(libvipsMapped()).toBe(true)
  })
})
