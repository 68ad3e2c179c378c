import { afterAll, beforeAll, expect, it } from '@jest/globals'
import pg from 'pg'
import { seedCatalogue } from '../helpers/fixtures'
import { createAdmin, registerBuyer, startTestShop, type TestShop } from '../helpers/shop'

let shop: TestShop
beforeAll(async () => { shop = await startTestShop() })
afterAll(async () => { await shop?.stop() })

it('counts', async () => {
  const admin = await createAdmin(shop)
  await seedCatalogue(shop, admin)
  const b = await registerBuyer(shop)
  const seen: string[] = []
  const orig = pg.Client.prototype.query
  ;(pg.Client.prototype as any).query = function (config: any, ...rest: any[]) {
    const text = typeof config === 'string' ? config : (config.name ?? config.text)
    seen.push(String(text).replace(/\s+/g, ' ').slice(0, 300))
    return (orig as any).call(this, config, ...rest)
  }
  const res = await shop.api.get('/api/products?limit=24', { token: b.token })
  ;(pg.Client.prototype as any).query = orig
  expect(res.status).toBe(200)
  console.log(seen.length + '\n' + seen.join('\n'))
})
