// GET /metrics: never public (404 without METRICS_TOKEN, 401 without the right token), and counting what
// happened: checkouts by outcome, stock movements only once their transaction committed, requests by
// route template and status.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { env } from '../../src/env'
import { contact, fillCart, seedCatalogue, type Catalogue } from '../helpers/fixtures'
import { serve } from '../helpers/http'
import { createAdmin, registerBuyer, startTestShop, type TestShop } from '../helpers/shop'

const TOKEN = 'metrics-token-for-the-test-0123'
let shop: TestShop
let catalogue: Catalogue
let http: Awaited<ReturnType<typeof serve>>

beforeAll(async () => {
  shop = await startTestShop()
  catalogue = await seedCatalogue(shop, await createAdmin(shop), { APPLES: 10, MILK: 1, BREAD: 10 })
  http = await serve(shop.payload)
})
afterAll(async () => {
  env.metrics.token = undefined
  await http?.close()
  await shop?.stop()
})

const scrape = (token?: string) => fetch(`${http.base}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })

/** The value of one series in the exposition text (0 when absent). */
async function value(series: string): Promise<number> {
  const text = await (await scrape(TOKEN)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.split(' ')[1]) : 0
}

async function checkoutOver(items: Record<string, number>) {
  const buyer = await registerBuyer(shop)
  await fillCart(shop, buyer, items)
  return fetch(`${http.base}/api/checkout`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${buyer.token}` },
    body: JSON.stringify({ pickupPoint: catalogue.stores.main, contact, paymentToken: 'tok_visa' }),
  })
}

describe('/metrics', () => {
  it('is not there without METRICS_TOKEN, and refuses a missing or wrong token', async () => {
    env.metrics.token = undefined
    expect((await scrape()).status).toBe(404)
    expect((await scrape('anything')).status).toBe(404)
    env.metrics.token = TOKEN
    expect((await scrape()).status).toBe(401)
    expect((await scrape(`${TOKEN}x`)).status).toBe(401)
    expect((await scrape(TOKEN.slice(0, -1))).status).toBe(401)
    const res = await scrape(TOKEN)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toContain('# TYPE shop_checkouts_total counter')
    expect(text).toContain('process_resident_memory_bytes')
  })

  it('counts checkouts by outcome, and reservations only when they committed', async () => {
    env.metrics.token = TOKEN
    const paid = 'shop_checkouts_total{outcome="paid"}'
    const short = 'shop_checkouts_total{outcome="out_of_stock"}'
    const reservations = 'shop_stock_movements_total{type="reservation"}'
    const before = { paid: await value(paid), short: await value(short), reservations: await value(reservations) }

    expect((await checkoutOver({ APPLES: 1, BREAD: 2 })).status).toBe(201)
    expect(await value(paid)).toBe(before.paid + 1)
    expect(await value(reservations)).toBe(before.reservations + 2) // one movement per line

    // APPLES can be reserved, MILK cannot: the transaction rolls back, and so does the count.
    expect((await checkoutOver({ APPLES: 1, MILK: 1 })).status).toBe(201) // takes the only MILK
    const afterSecond = await value(reservations)
    expect((await checkoutOver({ APPLES: 1, MILK: 1 })).status).toBe(409)
    expect(await value(short)).toBe(before.short + 1)
    expect(await value(reservations)).toBe(afterSecond)

    // Requests by route template (ids never become labels) and status.
    const text = await (await scrape(TOKEN)).text()
    expect(text).toMatch(/shop_http_request_duration_seconds_count\{method="POST",route="\/api\/checkout",status="201"\} [1-9]/)
    expect(text).toMatch(/shop_http_request_duration_seconds_count\{method="POST",route="\/api\/checkout",status="409"\} [1-9]/)
  })

  it('names routes by template, whatever ids clients send', async () => {
    env.metrics.token = TOKEN
    for (const id of ['1', '2', 'zzz', 'a%20b']) await fetch(`${http.base}/api/orders/${id}/qr`)
    const text = await (await scrape(TOKEN)).text()
    expect(text).toMatch(/route="\/api\/orders\/:id\/qr",status="401"/)
    expect(text).not.toMatch(/route="\/api\/orders\/(1|2|zzz)/)
  })
})
