// A catalogue list's total is kept as long as the catalogue is (src/shop/catalogueCount.ts); its documents
// never are.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { type Account, createAdmin, registerBuyer, sqlRows, startTestShop, statementsDuring, type TestShop } from '../helpers/shop'

let shop: TestShop
let admin: Account
let buyer: Account
beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  buyer = await registerBuyer(shop)
  for (const id of ['C-1', 'C-2', 'C-9']) {
    expect((await shop.api.post('/api/products', { id, name: id, price: 100, unit: 'pcs', active: id !== 'C-9' }, { token: admin.token })).status).toBe(201)
  }
})
afterAll(async () => {
  await shop?.stop()
})

const page = async (token?: string) => {
  const res = await shop.api.get('/api/products?limit=1&sort=id', token ? { token } : {})
  expect(res.status).toBe(200)
  return { total: res.body.totalDocs as number, first: res.body.docs[0]?.id as string }
}

/** The count statements Payload sends while `work` runs. */
const countsDuring = async (work: () => Promise<unknown>) =>
  (await statementsDuring(shop, work)).filter((text) => /^select count/i.test(text)).length

describe('catalogue totals', () => {
  it('are counted once for a run of pages, per list and audience', async () => {
    await shop.api.post('/api/products', { id: 'C-0', name: 'C-0', price: 100, unit: 'pcs' }, { token: admin.token }) // forgets
    const counts = await countsDuring(async () => {
      for (let i = 0; i < 5; i++) expect((await page(buyer.token)).total).toBe(3)
      expect((await page(admin.token)).total).toBe(4) // another audience: admins read those off sale too
    })
    expect(counts).toBe(2)
  })

  it('a change through the shop counts afresh at once', async () => {
    expect((await page(buyer.token)).total).toBe(3)
    expect((await shop.api.post('/api/products', { id: 'C-3', name: 'C-3', price: 100, unit: 'pcs' }, { token: admin.token })).status).toBe(201)
    expect((await page(buyer.token)).total).toBe(4)
    expect((await shop.api.patch('/api/products/C-3', { active: false }, { token: admin.token })).status).toBe(200)
    expect((await page(buyer.token)).total).toBe(3)
    expect((await page(admin.token)).total).toBe(5)
    expect((await shop.api.delete('/api/products/C-3', { token: admin.token })).status).toBe(200)
    expect((await page(admin.token)).total).toBe(4)
  })

  it('a write elsewhere (another process) shows in the documents at once and in the total within the cache time', async () => {
    expect((await page(buyer.token)).total).toBe(3)
    await sqlRows(shop, `INSERT INTO products (id, name, price, unit, quantity_step) VALUES ('A-0', 'A-0', 100, 'pcs', 1)`)
    const now = await page(buyer.token)
    expect(now.first).toBe('A-0')
    expect(now.total).toBe(3)
    await new Promise((r) => setTimeout(r, 2_100))
    expect((await page(buyer.token)).total).toBe(4)
  })

  it('a filter too long to keep (made up to fill the memory) is counted every time', async () => {
    const long = Array.from({ length: 400 }, (_, i) => `X-${i}`).join(',')
    const counts = await countsDuring(async () => {
      for (let i = 0; i < 3; i++) expect((await shop.api.get(`/api/products?limit=1&where[id][in]=${long}`)).status).toBe(200)
    })
    expect(counts).toBe(3)
  })
})
