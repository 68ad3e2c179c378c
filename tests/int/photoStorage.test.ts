// Photos in S3-compatible storage (S3_BUCKET): the original and its sizes go to the bucket, never to the
// local folder; the shop serves them from the bucket; deleting a photo deletes its objects; a refused
// upload leaves the bucket as it was.
import fs from 'node:fs'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import sharp from 'sharp'

import { env } from '../../src/env'
import { startObjectStorage, type ObjectStorage } from '../helpers/objectStorage'
import { createAdmin, registerBuyer, sqlRows, startTestShop, type Account, type TestShop } from '../helpers/shop'

let storage: ObjectStorage
let shop: TestShop
let admin: Account
let buyer: Account
const localFiles = () => (fs.existsSync(env.mediaDir) ? fs.readdirSync(env.mediaDir).sort() : [])
let localBefore: string[]

beforeAll(async () => {
  storage = await startObjectStorage()
  env.s3 = storage.s3 // read when the config is built
  localBefore = localFiles()
  shop = await startTestShop()
  admin = await createAdmin(shop)
  buyer = await registerBuyer(shop)
})
afterAll(async () => {
  await shop?.stop()
  env.s3 = undefined
  await storage?.close()
})

const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3a7d44' } }).jpeg().toBuffer()

function upload(bytes: Buffer, filename: string, type: string, token?: string) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename)
  form.append('_payload', JSON.stringify({ alt: filename }))
  return shop.api.request('POST', '/api/media', { raw: form, token })
}

describe('photos in S3-compatible storage', () => {
  it('puts the original and both sizes in the bucket, not on the local disk, and serves them from there', async () => {
    const original = await jpeg(1200, 900)
    const res = await upload(original, 'pears.jpg', 'image/jpeg', admin.token)
    expect(res.status).toBe(201)
    const doc = res.body.doc
    const names = [doc.filename, doc.sizes.thumbnail.filename, doc.sizes.card.filename]
    expect(await storage.keys()).toEqual([...names].sort())
    expect(localFiles()).toEqual(localBefore)

    // Served by the shop (the media collection's read access), from the bucket, byte for byte.
    expect(doc.url).toBe(`/api/media/file/${doc.filename}`)
    const served = await shop.api.get(doc.url)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/jpeg')
    expect(served.bytes.equals(original)).toBe(true)
    const thumb = await shop.api.get(doc.sizes.thumbnail.url)
    expect(thumb.status).toBe(200)
    expect(await sharp(thumb.bytes).metadata()).toEqual(expect.objectContaining({ width: 300, height: 300 }))
  })

  it('deletes every object of a photo with the photo', async () => {
    const res = await upload(await jpeg(800, 800), 'plums.jpg', 'image/jpeg', admin.token)
    expect(res.status).toBe(201)
    const before = await storage.keys()
    const mine = [res.body.doc.filename, res.body.doc.sizes.thumbnail.filename, res.body.doc.sizes.card.filename]
    expect(before).toEqual(expect.arrayContaining(mine))
    expect((await shop.api.delete(`/api/media/${res.body.doc.id}`, { token: admin.token })).status).toBe(200)
    expect(await storage.keys()).toEqual(before.filter((k) => !mine.includes(k)))
    expect((await shop.api.get(`/api/media/file/${res.body.doc.filename}`)).status).toBe(404)
  })

  it('stores nothing for a refused upload (not an image; not an admin) and keeps photos for a refused delete', async () => {
    const before = { keys: await storage.keys(), rows: await sqlRows(shop, 'SELECT id FROM media ORDER BY id') }
    const html = Buffer.from('<!doctype html><script>alert(1)</script>')
    expect((await upload(html, 'photo.jpg', 'image/jpeg', admin.token)).status).toBe(400)
    expect((await upload(await jpeg(10, 10), 'x.jpg', 'image/jpeg', buyer.token)).status).toBe(403)
    const id = (before.rows[0] as { id: number }).id
    expect((await shop.api.delete(`/api/media/${id}`, { token: buyer.token })).status).toBe(403)
    expect({ keys: await storage.keys(), rows: await sqlRows(shop, 'SELECT id FROM media ORDER BY id') }).toEqual(before)
    expect(localFiles()).toEqual(localBefore)
  })
})
