// GET /metrics after 200 requests to paths nobody serves: the route labels stay a fixed set (the config's
// route templates, a few routes outside the API, and `unmatched`), so a client cannot grow the number of
// series. Before, each made-up path (`/api/zz1`, `/api/products/x/y/z1`…) became a label of its own.
import crypto from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { env } from '../../src/env'
import { routeTable, UNMATCHED } from '../../src/metrics'
import { serve } from '../helpers/http'
import { startTestShop, type TestShop } from '../helpers/shop'

const TOKEN = 'metrics-token-for-the-labels-01'
let shop: TestShop
let http: Awaited<ReturnType<typeof serve>>

beforeAll(async () => {
  shop = await startTestShop()
  http = await serve(shop.payload)
  env.metrics.token = TOKEN
})
afterAll(async () => {
  env.metrics.token = undefined
  await http?.close()
  await shop?.stop()
})

/** The distinct `route` labels of the request metric. */
async function routeLabels(): Promise<Set<string>> {
  const text = await (await fetch(`${http.base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text()
  const labels = [...text.matchAll(/^shop_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]!)
  return new Set(labels)
}

const word = () => crypto.randomBytes(4).toString('hex')

describe('route labels', () => {
  it('stay a fixed set after 200 requests to made-up paths', async () => {
    const slugs = shop.payload.config.collections.map((c) => c.slug)
    const tokens: string[] = []
    const paths: string[] = []
    for (let n = 0; n < 200; n++) {
      const w = word()
      tokens.push(w)
      const slug = slugs[n % slugs.length]!
      paths.push(
        [
          `/api/zz${w}`,
          `/api/products/x/y/z${w}`,
          `/api/${slug}/${w}/x/y`,
          `/api/${slug}/${w}/${w}`,
          `/api/${slug}/${w}`, // a document id: the collection's /:id route
          `/api/globals/${w}`,
          `/${w}`,
          `/api/orders/${n}/${w}`,
        ][n % 8]!,
      )
    }
    const before = await routeLabels()
    for (let i = 0; i < paths.length; i += 20) await Promise.all(paths.slice(i, i + 20).map((p) => fetch(`${http.base}${p}`).then((r) => r.arrayBuffer())))
    const after = await routeLabels()

    // No label names a made-up path; at most the collections' `/:id` routes and `unmatched` are new.
    expect([...after].filter((label) => tokens.some((token) => label.includes(token)))).toEqual([])
    expect(after.size - before.size).toBeLessThanOrEqual(slugs.length + 1)
    expect(after.size).toBeLessThan(60)
    expect(after.has(UNMATCHED)).toBe(true)
    const allowed = routeTable(shop.payload.config).labels
    for (const label of after) expect(allowed).toContain(label)
  })
})
