import { describe, expect, it } from '@jest/globals'
import { z } from 'zod'

import { docsEndpoints, openApiDocument } from '../../src/api/openapi'
import { defineRoute, type Route } from '../../src/api/route'

const setItemBody = z.object({ quantity: z.number().min(0).describe('0 removes the line') })
const stockBody = z.object({ sku: z.string().min(1), delta: z.number().int(), note: z.string().optional() })
const cartOut = z.object({ lines: z.array(z.object({ sku: z.string(), quantity: z.number() })) })
const handler = () => new Response(null, { status: 204 })

const operations: Route[] = [
  defineRoute({
    method: 'patch',
    path: '/cart/items/:sku',
    summary: 'Set the quantity of a cart line',
    tag: 'Cart',
    who: 'signedIn',
    params: z.object({ sku: z.string() }),
    body: setItemBody,
    responses: { 200: { description: 'The cart', schema: cartOut }, 404: { description: 'No such product' } },
    handler,
  }),
  defineRoute({
    method: 'post',
    path: '/stock/adjust',
    summary: 'Adjust stock',
    tag: 'Stock',
    who: 'stock.manage',
    headers: z.object({ 'Idempotency-Key': z.string().uuid().describe('Retry safely') }),
    body: stockBody,
    responses: { 200: { description: 'Adjusted' } },
    handler,
  }),
  defineRoute({
    method: 'get',
    path: '/orders/:id/pickup-code',
    summary: 'The pickup QR code',
    tag: 'Pickup',
    who: 'public',
    params: z.object({ id: z.string() }),
    responses: { 200: { description: 'A PNG image', contentType: 'image/png' } },
    handler,
  }),
]

type Op = {
  description?: string
  parameters?: Array<Record<string, unknown>>
  requestBody?: { content: Record<string, { schema: unknown }> }
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>
  security?: unknown
}
const doc = openApiDocument(operations, { title: 'Shop', version: '1.0.0' }) as {
  openapi: string
  servers: Array<{ url: string }>
  paths: Record<string, Record<string, Op>>
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, unknown>> }
}
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' })
  return rest
}

describe('openApiDocument', () => {
  it('is OpenAPI 3.1 served under /api', () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.servers).toEqual([{ url: '/api' }])
    const withOrigin = openApiDocument([], { title: 'x', version: '1', serverUrl: 'https://shop.test/' })
    expect(withOrigin.servers).toEqual([{ url: 'https://shop.test/api' }])
  })

  it('turns :params into {params} and declares them', () => {
    const patch = doc.paths['/cart/items/{sku}']?.patch
    expect(patch).toBeDefined()
    expect(patch!.parameters).toEqual([{ name: 'sku', in: 'path', required: true, schema: { type: 'string' } }])
    expect(doc.paths['/orders/{id}/pickup-code']?.get?.parameters?.[0]).toMatchObject({ name: 'id', in: 'path' })
  })

  it('documents bodies and responses with the zod schemas themselves', () => {
    const patch = doc.paths['/cart/items/{sku}']!.patch!
    expect(patch.requestBody!.content['application/json']!.schema).toEqual(jsonSchema(setItemBody, 'input'))
    expect(patch.responses['200']!.content!['application/json']!.schema).toEqual(jsonSchema(cartOut, 'output'))
    const adjust = doc.paths['/stock/adjust']!.post!
    expect(adjust.requestBody!.content['application/json']!.schema).toEqual(jsonSchema(stockBody, 'input'))
    expect(JSON.stringify(doc)).not.toContain('$schema')

    // A change to the zod schema is a change to the document.
    const changed = openApiDocument([{ ...operations[0]!, body: setItemBody.extend({ note: z.string() }) }], {
      title: 'Shop',
      version: '1.0.0',
    }) as typeof doc
    const changedBody = changed.paths['/cart/items/{sku}']!.patch!.requestBody!.content['application/json']!.schema
    expect(changedBody).toMatchObject({ properties: { note: { type: 'string' } }, required: ['quantity', 'note'] })
  })

  it('declares headers', () => {
    expect(doc.paths['/stock/adjust']!.post!.parameters).toEqual([
      {
        name: 'Idempotency-Key',
        in: 'header',
        description: 'Retry safely',
        required: true,
        schema: jsonSchema(z.string().uuid(), 'input'),
      },
    ])
  })

  it('secures buyer and admin operations and adds 401/403', () => {
    const patch = doc.paths['/cart/items/{sku}']!.patch!
    const adjust = doc.paths['/stock/adjust']!.post!
    const pickup = doc.paths['/orders/{id}/pickup-code']!.get!
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc.components.securitySchemes.bearerAuth!.description).toContain('JWT <token>')
    expect(patch.security).toEqual([{ bearerAuth: [] }])
    expect(adjust.security).toEqual([{ bearerAuth: [] }])
    expect(pickup.security).toBeUndefined()
    expect(Object.keys(patch.responses).sort()).toEqual(['200', '401', '404'])
    expect(Object.keys(adjust.responses).sort()).toEqual(['200', '401', '403'])
    expect(adjust.description).toContain('stock.manage')
    expect(Object.keys(pickup.responses)).toEqual(['200'])
  })

  it('gives error responses without a schema the shared Error schema', () => {
    const patch = doc.paths['/cart/items/{sku}']!.patch!
    const errorRef = { $ref: '#/components/schemas/Error' }
    expect(patch.responses['404']!.content!['application/json']!.schema).toEqual(errorRef)
    expect(patch.responses['401']!.content!['application/json']!.schema).toEqual(errorRef)
    expect(doc.components.schemas.Error).toMatchObject({ required: ['errors'] })
    expect(doc.paths['/stock/adjust']!.post!.responses['200']!.content).toBeUndefined()
  })

  it('documents binary responses', () => {
    const png = doc.paths['/orders/{id}/pickup-code']!.get!.responses['200']!.content!['image/png']
    expect(png!.schema).toMatchObject({ type: 'string', format: 'binary' })
  })

  it('moves zod $defs into components so refs resolve inside the document', () => {
    const Address = z.object({ city: z.string() }).meta({ id: 'Address' })
    const out = openApiDocument(
      [
        defineRoute({
          method: 'post',
          path: '/addresses',
          summary: 'Two addresses',
          tag: 'T',
          who: 'public',
          body: z.object({ from: Address, to: Address }),
          responses: { 204: { description: 'Saved' } },
          handler,
        }),
      ],
      { title: 'x', version: '1' },
    ) as typeof doc
    const body = out.paths['/addresses']!.post!.requestBody!.content['application/json']!.schema
    expect(body).toMatchObject({ properties: { from: { $ref: '#/components/schemas/Address' } } })
    expect(out.components.schemas.Address).toMatchObject({ type: 'object', properties: { city: { type: 'string' } } })
    expect(JSON.stringify(out)).not.toContain('$defs')
  })

  it('refuses the same operation twice', () => {
    expect(() => openApiDocument([operations[0]!, operations[0]!], { title: 'x', version: '1' })).toThrow(/twice/)
  })

  it('refuses a path parameter without a schema', () => {
    const { params: _, ...withoutParams } = operations[0]!
    expect(() => openApiDocument([withoutParams as Route], { title: 'x', version: '1' })).toThrow(/no schema for :sku/)
  })
})

describe('docsEndpoints', () => {
  let built = 0
  const endpoints = docsEndpoints(() => {
    built++
    return doc
  })
  const handler = (path: string) => {
    const endpoint = endpoints.find((e) => e.path === path && e.method === 'get')
    if (!endpoint) throw new Error(`no GET ${path}`)
    return (routeParams?: Record<string, unknown>) => endpoint.handler({ routeParams } as any)
  }

  it('serves the document as JSON, built once', async () => {
    const first = await handler('/openapi.json')()
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toContain('application/json')
    expect(await first.json()).toEqual(JSON.parse(JSON.stringify(doc)))
    await handler('/openapi.json')()
    expect(built).toBe(1)
  })

  it('serves the Swagger UI page pointing at our own assets', async () => {
    const res = await handler('/docs')()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    const html = await res.text()
    expect(html).toContain('/api/docs/swagger-ui.css')
    expect(html).toContain('/api/docs/swagger-ui-bundle.js')
    expect(html).toContain("url: '/api/openapi.json'")
    expect(html).not.toMatch(/https?:\/\//) // no CDN
  })

  it('serves the whitelisted swagger-ui-dist files', async () => {
    const css = await handler('/docs/:asset')({ asset: 'swagger-ui.css' })
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toContain('text/css')
    expect(css.headers.get('cache-control')).toContain('max-age')
    expect(await css.text()).toContain('.swagger-ui')

    const js = await handler('/docs/:asset')({ asset: 'swagger-ui-bundle.js' })
    expect(js.headers.get('content-type')).toContain('javascript')
    expect(await js.text()).toContain('SwaggerUIBundle')

    const png = await handler('/docs/:asset')({ asset: 'favicon-32x32.png' })
    expect(png.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG')
  })

  it.each(['../package.json', 'index.html', 'package.json', 'constructor', '', undefined])(
    'answers 404 for %p',
    async (asset) => {
      const res = await handler('/docs/:asset')(asset === undefined ? undefined : { asset })
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ errors: [{ message: 'Not found' }] })
    },
  )
})
