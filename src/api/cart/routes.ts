// /api/cart: parse, call the cart operation, answer with the cart. Business rules live in ../cart.ts.
import { z } from 'zod'

import { defineRoute, json, type ResponseSpec } from '../route'
import { addToCart, emptyCart, MAX_LINE_QUANTITY, removeCartLine, setCartLine, viewCart } from '../../shop/cart'
import { cartSchema } from '../schemas'

const quantity = z
  .number()
  .finite()
  .max(MAX_LINE_QUANTITY)
  .describe("In the product's unit; a whole multiple of its quantityStep")

export const addItemBody = z
  .object({
    sku: z.string().min(1).max(64).describe('The product SKU'),
    quantity: quantity.positive(),
  })
  .strict()
export const setItemBody = z.object({ quantity: quantity.min(0).describe('0 removes the line') }).strict()
const skuParams = z.object({ sku: z.string().describe('The product SKU') })

const cartResponses = (extra: Record<number, ResponseSpec> = {}): Record<number, ResponseSpec> => ({
  200: { description: 'The cart, priced from the products as they are now', schema: cartSchema },
  ...extra,
})

export const cartRoutes = [
  defineRoute({
    method: 'get',
    path: '/cart',
    tag: 'Cart',
    who: 'signedIn',
    summary: 'The cart',
    query: z.object({ store: z.coerce.number().int().positive().max(2_147_483_647).optional().describe('A pickup point: each line then says what it has') }).strict(),
    responses: cartResponses({ 400: { description: 'A bad store id or an unknown parameter' }, 404: { description: 'No such open pickup point' } }),
    handler: async ({ req, user, query }) => json(await viewCart(req, user, query.store)),
  }),
  defineRoute({
    method: 'delete',
    path: '/cart',
    tag: 'Cart',
    who: 'signedIn',
    summary: 'Empty the cart',
    responses: cartResponses(),
    handler: async ({ req, user }) => json(await emptyCart(req, user)),
  }),
  defineRoute({
    method: 'post',
    path: '/cart/items',
    tag: 'Cart',
    who: 'signedIn',
    summary: 'Add a quantity of a product (creates the line if absent)',
    body: addItemBody,
    responses: cartResponses({
      400: { description: 'Invalid quantity (not a multiple of the step, over the cap), unknown field or malformed body' },
      404: { description: 'No such product on sale' },
      413: { description: 'Body over 100 KB' },
    }),
    handler: async ({ req, user, body }) => json(await addToCart(req, user, body.sku, body.quantity)),
  }),
  defineRoute({
    method: 'patch',
    path: '/cart/items/:sku',
    tag: 'Cart',
    who: 'signedIn',
    summary: "Set a line's quantity (0 removes it)",
    params: skuParams,
    body: setItemBody,
    responses: cartResponses({ 400: { description: 'Invalid quantity' }, 404: { description: 'Not on sale or not in the cart' } }),
    handler: async ({ req, user, params, body }) => json(await setCartLine(req, user, params.sku, body.quantity)),
  }),
  defineRoute({
    method: 'delete',
    path: '/cart/items/:sku',
    tag: 'Cart',
    who: 'signedIn',
    summary: 'Remove a line',
    params: skuParams,
    responses: cartResponses({ 404: { description: 'Not in the cart' } }),
    handler: async ({ req, user, params }) => json(await removeCartLine(req, user, params.sku)),
  }),
]
