// The OpenAPI 3.1 description of the shop's custom routes, built from their declarations (./route.ts): the
// zod schemas that validate a request are the ones documented, and a Swagger UI page to read it.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

import type { Endpoint } from 'payload'
import { z } from 'zod'

import type { Route } from './route'

type Json = Record<string, unknown>

const JSON_TYPE = 'application/json'
const ERROR_REF = { $ref: '#/components/schemas/Error' }

// The body Payload's error route sends for APIError (src/shop/errors.ts); loose on purpose, Payload may add keys.
const errorSchema: Json = {
  type: 'object',
  properties: {
    errors: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, message: { type: 'string' }, data: { type: 'object' } },
        required: ['message'],
      },
    },
  },
  required: ['errors'],
}

/** Replaces every string `$ref` in a JSON Schema tree. */
const mapRefs = (node: unknown, ref: (r: string) => string): unknown =>
  Array.isArray(node)
    ? node.map((n) => mapRefs(n, ref))
    : node && typeof node === 'object'
      ? Object.fromEntries(
          Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? ref(v) : mapRefs(v, ref)]),
        )
      : node

/**
 * One zod schema as an embeddable JSON Schema. zod writes refs relative to its own root ('#', '#/$defs/X'
 * for recursive and `.meta({id})` schemas); inside the OpenAPI document '#' is the document, so those
 * definitions move to components.schemas and the refs follow. Without refs the result is exactly
 * z.toJSONSchema's minus `$schema`.
 */
function toSchema(schema: z.ZodType, io: 'input' | 'output', name: string, components: Json): Json {
  // unrepresentable 'any': a z.date() or z.custom() somewhere documents as {} instead of failing the whole document.
  const { $schema: _, $defs, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' })
  const hasRootRef = JSON.stringify(json).includes('"$ref":"#"')
  if (!$defs && !hasRootRef) return json
  // Generated names (__schema0) are per conversion, so they get the operation's name; `.meta({id})` names are shared.
  const defName = (key: string) => (key.startsWith('__') ? `${name}_${key.slice(2)}` : key)
  const ref = (r: string) =>
    r === '#'
      ? `#/components/schemas/${name}`
      : r.startsWith('#/$defs/')
        ? `#/components/schemas/${defName(r.slice('#/$defs/'.length))}`
        : r
  for (const [key, def] of Object.entries($defs ?? {})) components[defName(key)] = mapRefs(def, ref)
  const rewritten = mapRefs(json, ref) as Json
  if (!hasRootRef) return rewritten
  components[name] = rewritten
  return { $ref: `#/components/schemas/${name}` }
}

/** 'patch', '/cart/items/:sku' → 'patchCartItemsSku' */
const operationId = (method: string, path: string) =>
  method + path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ? c.toUpperCase() : ''))

type Parameter = { name: string; in: 'path' | 'query' | 'header'; required: boolean; description?: string; schema: Json }

/** The parameters of one location (path, query, header) from the zod object that validates them. */
function parametersOf(shape: z.ZodObject<z.ZodRawShape> | undefined, location: Parameter['in'], id: string, components: Json): Parameter[] {
  if (!shape) return []
  return Object.entries(shape.shape).map(([name, schema]) => {
    const field = schema as z.ZodType
    const { description, ...json } = toSchema(field, 'input', `${id}_${name.replace(/\W/g, '')}`, components)
    return {
      name,
      in: location,
      required: location === 'path' || !field.safeParse(undefined).success,
      ...(typeof description === 'string' && { description }),
      schema: json,
    }
  })
}

const whoText = (who: Route['who']) =>
  who === 'public' ? undefined : who === 'signedIn' ? 'Requires a signed-in user.' : `Requires the capability \`${who}\`.`

/**
 * The OpenAPI 3.1 document for `routes`. `serverUrl` is the site origin (like Payload's serverURL); the
 * server entry is that origin plus '/api', or just '/api' (same origin) without it.
 */
export function openApiDocument(routes: Array<Omit<Route, 'handler'>>, info: { title: string; version: string; serverUrl?: string }): Record<string, unknown> {
  const schemas: Json = { Error: errorSchema }
  const paths: Record<string, Json> = {}
  const tags: string[] = []

  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    const id = operationId(route.method, route.path)
    const item = (paths[path] ??= {})
    if (item[route.method]) throw new Error(`openApiDocument: ${route.method.toUpperCase()} ${route.path} is declared twice`)
    if (!tags.includes(route.tag)) tags.push(route.tag)
    const declaredParams = new Set(Object.keys(route.params?.shape ?? {}))
    for (const [, name] of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
      if (!declaredParams.has(name!)) throw new Error(`openApiDocument: ${route.path} has no schema for :${name}`)
    }

    const parameters = [
      ...parametersOf(route.params, 'path', id, schemas),
      ...parametersOf(route.query, 'query', id, schemas),
      ...parametersOf(route.headers, 'header', id, schemas),
    ]

    const secured = route.who !== 'public'
    const declared: Record<number, { description: string; schema?: z.ZodType; contentType?: string }> = {}
    if (secured) declared[401] = { description: 'Not logged in, or the token is invalid or expired' }
    if (route.who !== 'public' && route.who !== 'signedIn') declared[403] = { description: `Logged in, but without \`${route.who}\`` }
    Object.assign(declared, route.responses) // the route's own entries win
    const responses = Object.fromEntries(
      Object.entries(declared).map(([status, r]) => {
        const type = r.contentType ?? JSON_TYPE
        const schema = r.schema
          ? toSchema(r.schema, 'output', `${id}_${status}`, schemas)
          : type !== JSON_TYPE
            ? { type: 'string', format: 'binary', contentMediaType: type }
            : Number(status) >= 400
              ? ERROR_REF
              : undefined // e.g. a 204: no body
        return [status, { description: r.description, ...(schema && { content: { [type]: { schema } } }) }]
      }),
    )

    item[route.method] = {
      operationId: id,
      tags: [route.tag],
      summary: route.summary,
      description: [route.description, whoText(route.who)].filter(Boolean).join('\n\n') || undefined,
      ...(parameters.length > 0 && { parameters }),
      ...(route.body && {
        requestBody: {
          required: true,
          content: { [JSON_TYPE]: { schema: toSchema(route.body, 'input', `${id}_body`, schemas) } },
        },
      }),
      responses,
      ...(secured && { security: [{ bearerAuth: [] }] }),
    }
  }

  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    servers: [{ url: info.serverUrl ? `${info.serverUrl.replace(/\/+$/, '')}/api` : '/api' }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The `token` from POST /api/users/login. Payload also accepts it as `Authorization: JWT <token>` ' +
            'and from its `payload-token` cookie.',
        },
      },
    },
  }
}

// Only these files of swagger-ui-dist are served; the name comes from the URL, so nothing else may be read.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
}
const assetCache = new Map<string, Uint8Array<ArrayBuffer>>()
let swaggerDir: string | undefined

function readAsset(name: string): Uint8Array<ArrayBuffer> {
  let data = assetCache.get(name)
  if (!data) {
    swaggerDir ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
    data = new Uint8Array(readFileSync(join(swaggerDir, name))) // a copy on a plain ArrayBuffer: a valid BodyInit
    assetCache.set(name, data)
  }
  return data
}

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Shop API</title>
  <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#docs' })
  </script>
</body>
</html>
`

/**
 * GET /openapi.json, GET /docs (Swagger UI) and its assets. No login: the document describes the API,
 * not data. `getDocument` runs once, on the first request for the document.
 */
export function docsEndpoints(getDocument: () => Record<string, unknown>): Endpoint[] {
  let document: Record<string, unknown> | undefined
  return [
    {
      path: '/openapi.json',
      method: 'get',
      handler: () => Response.json((document ??= getDocument())),
    },
    {
      path: '/docs',
      method: 'get',
      handler: () =>
        new Response(DOCS_HTML, {
          headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' },
        }),
    },
    {
      path: '/docs/:asset',
      method: 'get',
      handler: (req) => {
        const name = String(req.routeParams?.asset ?? '')
        const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined
        if (!type) return Response.json({ errors: [{ message: 'Not found' }] }, { status: 404 })
        return new Response(readAsset(name), {
          // Unversioned URLs: a day, not immutable, so a swagger-ui-dist upgrade reaches browsers.
          headers: { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' },
        })
      },
    },
  ]
}
