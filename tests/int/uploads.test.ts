// Product photos: images only (by content, not by name), 10 MB at most, admins only.
import fs from 'node:fs'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import sharp from 'sharp'

import { env } from '../../src/env'
import { sharpLoaded } from '../../src/lib/sharp'
import { createAdmin, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let admin: Account
let buyer: Account

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  buyer = await registerBuyer(shop)
})
afterAll(async () => {
  await shop?.stop()
})

const png = (size = 64) =>
  sharp({ create: { width: size, height: size, channels: 3, background: '#d9412b' } }).png().toBuffer()

function upload(bytes: Buffer | Uint8Array, filename: string, type: string, token?: string) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename)
  form.append('_payload', JSON.stringify({ alt: filename }))
  return shop.api.request('POST', '/api/media', { raw: form, token })
}

const mediaCount = async () => Number((await sqlRows<{ n: string }>(shop, 'SELECT count(*) AS n FROM media'))[0]!.n)
const filesOnDisk = () => (fs.existsSync(env.mediaDir) ? fs.readdirSync(env.mediaDir).length : 0)

describe('photo uploads', () => {
  it('accepts a PNG from an admin and makes the thumbnail and card sizes (sharp is loaded for it, not before)', async () => {
    expect(sharpLoaded()).toBe(false)
    const res = await upload(await png(1000), 'apple.png', 'image/png', admin.token)
    expect(sharpLoaded()).toBe(true)
    expect(res.status).toBe(201)
    expect(res.body.doc.mimeType).toBe('image/png')
    expect(res.body.doc.sizes.thumbnail).toEqual(expect.objectContaining({ width: 300, height: 300 }))
    expect(res.body.doc.sizes.card).toEqual(expect.objectContaining({ width: 768 }))
  })

  it('stores a path-like filename safely inside the media folder', async () => {
    const res = await upload(await png(), '../../../etc/evil.png', 'image/png', admin.token)
    expect(res.status).toBe(201)
    expect(res.body.doc.filename).not.toContain('/')
    expect(res.body.doc.filename).not.toContain('..')
    expect(fs.existsSync(`${env.mediaDir}/${res.body.doc.filename}`)).toBe(true)
  })

  it('refuses non-images, whatever their name says, and stores nothing', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>')
    const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF')
    const before = { rows: await mediaCount(), files: filesOnDisk() }
    for (const [bytes, name, type] of [
      [svg, 'logo.svg', 'image/svg+xml'],
      [svg, 'photo.jpg', 'image/jpeg'],
      [html, 'photo.jpg', 'image/jpeg'],
      [pdf, 'photo.jpg', 'image/jpeg'],
      [pdf, 'doc.pdf', 'application/pdf'],
    ] as const) {
      const res = await upload(bytes, name, type, admin.token)
      expect({ name, type, status: res.status }).toEqual({ name, type, status: 400 })
    }
    expect({ rows: await mediaCount(), files: filesOnDisk() }).toEqual(before)
  })

  it('refuses a file over 10 MB with 413', async () => {
    const before = { rows: await mediaCount(), files: filesOnDisk() }
    const big = Buffer.concat([await png(), Buffer.alloc(11 * 1024 * 1024, 1)])
    const res = await upload(big, 'huge.png', 'image/png', admin.token)
    expect(res.status).toBe(413)
    expect({ rows: await mediaCount(), files: filesOnDisk() }).toEqual(before)
  })

  it('lets only admins upload, update or delete photos; everyone may read them', async () => {
    const before = await mediaCount()
    for (const token of [undefined, buyer.token]) {
      expect((await upload(await png(), 'nope.png', 'image/png', token)).status).toBe(403)
    }
    expect(await mediaCount()).toBe(before)
    const list = await shop.api.get('/api/media')
    expect(list.status).toBe(200)
    const id = list.body.docs[0].id
    expect((await shop.api.patch(`/api/media/${id}`, { alt: 'x' }, { token: buyer.token })).status).toBe(403)
    expect((await shop.api.delete(`/api/media/${id}`, { token: buyer.token })).status).toBe(403)
    expect(await mediaCount()).toBe(before)
  })
})
