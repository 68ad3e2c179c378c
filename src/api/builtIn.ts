// Routes Payload serves itself that a storefront calls: documented here, served by Payload (no handler of
// ours, never mounted by the registry). The contract test calls each and checks its answers against this.
import { z } from 'zod'

import { ORDER_STATUSES } from '../shop/orderStatus'
import type { Route } from './route'

export type DocumentedRoute = Omit<Route, 'handler'>

const id = z.coerce.number().int().positive().max(2_147_483_647)
const listQuery = z.object({
  limit: z.coerce.number().int().min(0).optional().describe('Page size (Payload’s default 10)'),
  page: z.coerce.number().int().positive().optional(),
  sort: z.string().optional().describe('A field name, `-` first for descending'),
  depth: z.coerce.number().int().min(0).max(10).optional().describe('How deep relations are populated (default 2)'),
  where: z.record(z.string(), z.unknown()).optional().describe('Payload’s query syntax, e.g. where[name][like]=молоко'),
})
const pageOf = (doc: z.ZodType) =>
  z.looseObject({
    docs: z.array(doc),
    totalDocs: z.number().int(),
    limit: z.number().int(),
    page: z.number().int().optional(),
    totalPages: z.number().int(),
    pagingCounter: z.number().int(),
    hasPrevPage: z.boolean(),
    hasNextPage: z.boolean(),
    prevPage: z.number().int().nullable().optional(),
    nextPage: z.number().int().nullable().optional(),
  })

const media = z.looseObject({ id: z.number().int(), url: z.string().nullable().optional(), alt: z.string().nullable().optional(), sizes: z.record(z.string(), z.unknown()).optional() })
const store = z.looseObject({ id: z.number().int(), name: z.string(), address: z.string() })
const product = z.looseObject({
  id: z.string().describe('The SKU'),
  name: z.string(),
  price: z.number().int().describe('Per unit, in minor units'),
  unit: z.string(),
  quantityStep: z.number(),
  currency: z.string().optional(),
  photo: z.union([z.number().int(), media]).nullable().optional(),
  description: z.unknown().optional().describe('Rich text (Lexical JSON)'),
})
const buyerOrder = z.looseObject({
  id: z.number().int(),
  number: z.string(),
  status: z.enum(ORDER_STATUSES),
  total: z.number().int(),
  currency: z.string(),
  pickupPoint: z.union([z.number().int(), store]),
})
const account = z.looseObject({ id: z.number().int(), email: z.string().optional(), username: z.string().nullable().optional(), role: z.string().optional() })

const read = (path: string, tag: string, summary: string, responses: Route['responses'], extra: Partial<DocumentedRoute> = {}): DocumentedRoute => ({
  method: 'get',
  path,
  tag,
  who: 'public',
  summary,
  responses,
  ...extra,
})

export const builtInRoutes: DocumentedRoute[] = [
  read('/products', 'Catalogue', 'Products on sale (Payload’s list; GET /catalogue searches)', { 200: { description: 'A page of products', schema: pageOf(product) } }, { query: listQuery }),
  read('/products/:id', 'Catalogue', 'One product on sale, by SKU', { 200: { description: 'The product', schema: product }, 404: { description: 'No such product on sale' } }, {
    params: z.object({ id: z.string().describe('The SKU') }),
  }),
  read('/stores', 'Catalogue', 'The open pickup points', { 200: { description: 'A page of pickup points', schema: pageOf(store) } }, { query: listQuery }),
  read('/orders', 'Orders', 'The buyer’s own orders', {
    200: { description: 'A page of the caller’s orders (staff: their pickup points’, without the buyer’s data)', schema: pageOf(buyerOrder) },
    403: { description: 'Not logged in' },
  }, { query: listQuery }),
  read('/orders/:id', 'Orders', 'One of the buyer’s orders', { 200: { description: 'The order', schema: buyerOrder }, 403: { description: 'Not logged in' }, 404: { description: 'No such order of the caller’s' } }, {
    params: z.object({ id }),
  }),
  {
    method: 'post',
    path: '/users',
    tag: 'Accounts',
    who: 'public',
    summary: 'Register a buyer account',
    description: 'A password of 12 to 256 characters, not a common one, not containing the email or username. Counts against the per-IP AUTH_RATE_LIMIT.',
    body: z.object({ email: z.string(), password: z.string(), username: z.string().optional(), firstName: z.string().optional(), lastName: z.string().optional(), phone: z.string().optional(), locale: z.enum(['ru', 'en']).optional() }),
    responses: {
      201: { description: 'Registered (log in next)', schema: z.looseObject({ message: z.string(), doc: account }) },
      400: { description: 'Invalid email, weak password, an email or username already taken' },
      429: { description: 'Too many attempts from this address; see Retry-After' },
    },
  },
  { method: 'post', path: '/users/logout', tag: 'Accounts', who: 'public', summary: 'Log out: the session ends, the cookie is cleared', responses: { 200: { description: 'Logged out', schema: z.looseObject({ message: z.string() }) }, 400: { description: 'Not logged in' } } },
  read('/users/me', 'Accounts', 'The logged-in account (null when not logged in)', {
    200: { description: 'The account as its owner reads it, or null', schema: z.looseObject({ user: account.nullable() }) },
  }),
  read('/media/file/:filename', 'Catalogue', 'A product photo (any size Payload made of it)', {
    200: { description: 'The image', contentType: 'image/png' },
    404: { description: 'No such file' },
  }, { params: z.object({ filename: z.string() }) }),
]
