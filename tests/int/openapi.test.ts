// The OpenAPI document and its reference page are served without login (tests/int/contract.test.ts checks
// what the document says against real answers).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { startTestShop, type TestShop } from '../helpers/shop'

let shop: TestShop
beforeAll(async () => {
  shop = await startTestShop()
})
afterAll(async () => {
  await shop?.stop()
})

describe('OpenAPI', () => {
  it('/api/openapi.json is an OpenAPI 3.1 document, served without login', async () => {
    const res = await shop.api.get('/api/openapi.json')
    expect(res.status).toBe(200)
    expect(res.body.openapi).toBe('3.1.0')
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
