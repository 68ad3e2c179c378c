// Routes Payload serves itself that a storefront calls: documented here, served by Payload (no handler of
// ours, never mounted by the registry). The contract test calls each and checks its answers against this.
import { z } from 'zod'

import { ORDER_STATUSES } from '../shop/orderStatus'
import type { Route } from './route'
import { pageOf } from './schemas'

export type DocumentedRoute = Omit<Route, 'handler'>

const id = z.coerce.number().int().positive().max(2_147_483_647)
const listQuery = z.object({
  limit: z.coerce.number().int().min(0).optional().describe('Page size (Payload’s default 10)'),
  page: z.coerce.number().int().positive().optional(),
  sort: z.string().optional().describe('A field name, `-` first for descending'),
  depth: z.coerce.number().int().min(0).max(10).optional().describe('How deep relations are populated (default 2)'),
  where: z.record(z.string(), z.unknown()).optional().describe('Payload’s query syntax, e.g. where[name][like]=молоко'),
})
// Every field of each document as Payload returns it to the caller (strict: an undocumented field fails the
// contract test). Relations are an id or, with `depth` ≥ 1, the document: both are described.
const text = z.string().nullable().optional()
const whole = z.number().int().nullable().optional()
const stamps = { updatedAt: z.string(), createdAt: z.string() }
const photoSize = z.strictObject({ url: text, width: whole, height: whole, mimeType: text, filesize: whole, filename: text })
const media = z.strictObject({
  id: z.number().int(),
  alt: text,
  url: text,
  thumbnailURL: text,
  filename: text,
  mimeType: text,
  filesize: whole,
  width: whole,
  height: whole,
  focalX: z.number().nullable().optional(),
  focalY: z.number().nullable().optional(),
  sizes: z.record(z.string(), photoSize).optional().describe('Each size Payload makes of the photo (thumbnail 300×300, card 768 wide)'),
  prefix: text.describe('The storage plugin’s folder of the file (S3 storage)'),
  _objectKey: text.describe('The storage plugin’s key of the file'),
  ...stamps,
})
const store = z.strictObject({ id: z.number().int(), name: z.string(), address: z.string(), openingHours: text, active: z.boolean().nullable().optional(), ...stamps })
const product = z.strictObject({
  id: z.string().describe('The SKU'),
  name: z.string(),
  price: z.number().int().describe('Per unit, in minor units'),
  unit: z.enum(['pcs', 'kg', 'g', 'l', 'm']),
  quantityStep: z.number().describe('Quantities are whole multiples of it'),
  currency: z.string(),
  photo: z.union([z.number().int(), media]).nullable().optional(),
  description: z.record(z.string(), z.unknown()).nullable().optional().describe('Rich text (Lexical JSON)'),
  active: z.boolean().nullable().optional(),
  ...stamps,
})
const orderLine = z.strictObject({
  id: z.number().int(),
  order: z.number().int(),
  product: z.union([z.string(), product]),
  name: z.string(),
  unit: z.string(),
  quantity: z.number().describe('As ordered, in the unit'),
  pickedQuantity: z.number().nullable().optional().describe('As weighed or counted at assembly'),
  unitPrice: z.number().int(),
  lineTotal: z.number().int(),
  ...stamps,
})
const orderStatus = z.enum(ORDER_STATUSES)
/** An order as the caller may read it: the buyer sees their contact and pickup code; staff never do. */
const order = z.strictObject({
  id: z.number().int(),
  number: z.string(),
  buyer: z.union([z.number().int(), z.record(z.string(), z.unknown())]).nullable().optional().describe('The buyer’s own account (only the buyer reads it)'),
  status: orderStatus,
  pickupPoint: z.union([z.number().int(), store]),
  total: z.number().int().describe('What is charged (after assembly: as weighed)'),
  authorized: z.number().int().describe('Held on the card at checkout'),
  captured: whole,
  refunded: z.number().int(),
  currency: z.string(),
  contact: z.strictObject({ firstName: text, lastName: text, phone: text }).optional().describe('Only the buyer reads it'),
  pickupCode: text.describe('Only the buyer reads it: what the QR code says'),
  payment: z.strictObject({ state: z.string(), key: z.string(), authorizationId: text, declineReason: text }),
  expiresAt: z.string(),
  paidAt: text,
  readyAt: text,
  collectedAt: text,
  cancelledAt: text,
  cancelReason: text,
  lines: z.strictObject({ docs: z.array(z.union([z.number().int(), orderLine])), hasNextPage: z.boolean(), totalDocs: z.number().int().optional() }).optional(),
  ...stamps,
})
/** The account as its owner reads it (never the password hash, salt, reset token or sessions). */
const account = z.strictObject({
  id: z.number().int(),
  role: z.enum(['buyer', 'staff', 'admin']),
  stores: z.array(z.union([z.number().int(), store])).nullable().optional(),
  active: z.boolean().nullable().optional(),
  locale: z.enum(['ru', 'en']).nullable().optional(),
  firstName: text,
  lastName: text,
  phone: text,
  email: z.string(),
  username: text,
  collection: z.literal('users').optional(),
  sessions: z
    .array(z.strictObject({ id: z.string(), createdAt: text, expiresAt: z.string() }))
    .nullable()
    .optional()
    .describe('The account’s own logins that are still valid'),
  _strategy: z.string().optional().describe('How this request was authenticated'),
  ...stamps,
})
/** A new account as the registration answers it: made by an anonymous caller, who reads only some of it. */
const registered = account.partial({ role: true, email: true })

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
    200: { description: 'A page of the caller’s orders (staff: their pickup points’, without the buyer’s data)', schema: pageOf(order) },
    403: { description: 'Not logged in' },
  }, { query: listQuery }),
  read('/orders/:id', 'Orders', 'One of the buyer’s orders', { 200: { description: 'The order', schema: order }, 403: { description: 'Not logged in' }, 404: { description: 'No such order of the caller’s' } }, {
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
      201: { description: 'Registered (log in next)', schema: z.strictObject({ message: z.string(), doc: registered }) },
      400: { description: 'Invalid email, weak password, an email or username already taken' },
      429: { description: 'Too many attempts from this address; see Retry-After' },
    },
  },
  {
    method: 'patch',
    path: '/users/:id',
    tag: 'Accounts',
    // Payload's own route: it answers a caller without a login with 403 (documented below), not 401.
    who: 'public',
    summary: 'Change your profile: name, phone, language',
    description: 'A buyer changes only their own account. Changing the email, username or password needs `currentPassword` too.',
    params: z.object({ id }),
    body: z.object({ firstName: z.string().optional(), lastName: z.string().optional(), phone: z.string().optional(), locale: z.enum(['ru', 'en']).optional() }),
    responses: {
      200: { description: 'Saved: the account as its owner reads it', schema: z.strictObject({ message: z.string(), doc: account }) },
      400: { description: 'An invalid value (e.g. a phone number that is not one)' },
      403: { description: 'Not logged in, or not your account' },
      404: { description: 'No such account' },
    },
  },
  { method: 'post', path: '/users/logout', tag: 'Accounts', who: 'public', summary: 'Log out: the session ends, the cookie is cleared', responses: { 200: { description: 'Logged out', schema: z.strictObject({ message: z.string() }) }, 400: { description: 'Not logged in' } } },
  read('/users/me', 'Accounts', 'The logged-in account (null when not logged in)', {
    200: { description: 'The account as its owner reads it, or null', schema: z.strictObject({ user: account.nullable(), exp: z.number().int().optional(), token: z.string().optional(), collection: z.string().optional(), strategy: z.string().optional(), message: z.string().optional() }) },
  }),
  read('/media/file/:filename', 'Catalogue', 'A product photo (any size Payload made of it)', {
    200: { description: 'The image', contentType: 'image/png' },
    404: { description: 'No such file' },
  }, { params: z.object({ filename: z.string() }) }),
]
