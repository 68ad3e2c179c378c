// The OpenAPI document describes every custom endpoint, with the very zod schemas that validate them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { z } from 'zod'

import { orderEndpoints } from '../../src/collections/orders/endpoints'
import { checkoutBody } from '../../src/shop/endpoints/checkout'
import { addItemBody } from '../../src/shop/endpoints/cart'
import { shopEndpoints } from '../../src/shop/endpoints'
import { startTestShop, type TestShop } from '../helpers/shop'

let shop: TestShop
beforeAll(async () => {
  shop = await startTestShop()
})
afterAll(async () => {
  await shop?.stop()
})

const documented = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
  return rest
}

describe('OpenAPI', () => {
  it('/api/openapi.json is an OpenAPI 3.1 document, served without login', async () => {
    const res = await shop.api.get('/api/openapi.json')
    expect(res.status).toBe(200)
    expect(res.body.openapi).toBe('3.1.0')
  })

  it('documents every custom endpoint of the shop (nothing added without its docs)', async () => {
    const doc = (await shop.api.get('/api/openapi.json')).body
    // Every endpoint the shop adds is registered with Payload…
    for (const e of shopEndpoints) expect(shop.payload.config.endpoints).toContain(e)
    // …and documented, except the documentation itself.
    const custom = [
      ...shopEndpoints.map((e) => ({ method: e.method, path: e.path })),
      ...orderEndpoints.map((e) => ({ method: e.method, path: `/orders${e.path}` })),
    ].filter((e) => !['/openapi.json', '/docs', '/docs/:asset'].includes(e.path))
    expect(custom.length).toBeGreaterThanOrEqual(9)
    for (const e of custom) {
      const path = e.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
      expect({ path, method: e.method, documented: Boolean(doc.paths[path]?.[e.method]) }).toEqual({ path, method: e.method, documented: true })
    }
  })

  it('request bodies are the zod schemas that validate them', async () => {
    const doc = (await shop.api.get('/api/openapi.json')).body
    expect(doc.paths['/checkout'].post.requestBody.content['application/json'].schema).toEqual(documented(checkoutBody))
    expect(doc.paths['/cart/items'].post.requestBody.content['application/json'].schema).toEqual(documented(addItemBody))
    expect(doc.paths['/checkout'].post.parameters).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })])
    expect(Object.keys(doc.paths['/checkout'].post.responses).sort()).toEqual(['201', '400', '401', '402', '404', '409', '422', '504'])
  })

  it('/api/docs is an interactive reference page served from our own files', async () => {
    const page = await shop.api.get('/api/docs')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    expect(String(page.body)).toContain('/api/openapi.json')
    expect(String(page.body)).not.toMatch(/https?:\/\/(?!localhost)/)
    const script = await shop.api.get('/api/docs/swagger-ui-bundle.js')
    expect(script.status).toBe(200)
    expect((await shop.api.get('/api/docs/..%2Fpackage.json')).status).toBe(404)
  })
})
