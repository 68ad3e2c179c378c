// /api/cart: parse, call the cart operation, answer with the cart. Business rules live in ../cart.ts.
import type { Endpoint } from 'payload'
import { z } from 'zod'

import { addToCart, emptyCart, MAX_LINE_QUANTITY, removeCartLine, setCartLine, viewCart } from '../cart'
import { parseBody, requireUser } from '../http'
import type { ApiOperation } from '../openapi'
import { cartSchema } from './schemas'

const quantity = z
  .number()
  .finite()
  .max(MAX_LINE_QUANTITY)
  .describe("In the product's unit; a whole multiple of its quantityStep")

export const addItemBody = z.object({
  sku: z.string().min(1).max(64).describe('The product SKU'),
  quantity: quantity.positive(),
})
export const setItemBody = z.object({ quantity: quantity.min(0).describe('0 removes the line') })

const skuParam = (params: Record<string, unknown> | undefined) => String(params?.sku ?? '')

export const cartEndpoints: Endpoint[] = [
  {
    path: '/cart',
    method: 'get',
    handler: async (req) => Response.json(await viewCart(req, requireUser(req))),
  },
  {
    path: '/cart',
    method: 'delete',
    handler: async (req) => Response.json(await emptyCart(req, requireUser(req))),
  },
  {
    path: '/cart/items',
    method: 'post',
    handler: async (req) => {
      const buyer = requireUser(req)
      const { sku, quantity } = await parseBody(req, addItemBody)
      return Response.json(await addToCart(req, buyer, sku, quantity))
    },
  },
  {
    path: '/cart/items/:sku',
    method: 'patch',
    handler: async (req) => {
      const buyer = requireUser(req)
      const { quantity } = await parseBody(req, setItemBody)
      return Response.json(await setCartLine(req, buyer, skuParam(req.routeParams), quantity))
    },
  },
  {
    path: '/cart/items/:sku',
    method: 'delete',
    handler: async (req) => Response.json(await removeCartLine(req, requireUser(req), skuParam(req.routeParams))),
  },
]

const cartResponses = (extra: ApiOperation['responses'] = {}): ApiOperation['responses'] => ({
  200: { description: 'The cart, priced from the products as they are now', schema: cartSchema },
  ...extra,
})

export const cartOperations: ApiOperation[] = [
  { method: 'get', path: '/cart', tag: 'Cart', auth: 'buyer', summary: 'The cart', responses: cartResponses() },
  { method: 'delete', path: '/cart', tag: 'Cart', auth: 'buyer', summary: 'Empty the cart', responses: cartResponses() },
  {
    method: 'post',
    path: '/cart/items',
    tag: 'Cart',
    auth: 'buyer',
    summary: 'Add a quantity of a product (creates the line if absent)',
    body: addItemBody,
    responses: cartResponses({
      400: { description: 'Invalid quantity (not a multiple of the step, over the cap) or malformed body' },
      404: { description: 'No such product on sale' },
      413: { description: 'Body over 100 KB' },
    }),
  },
  {
    method: 'patch',
    path: '/cart/items/:sku',
    tag: 'Cart',
    auth: 'buyer',
    summary: "Set a line's quantity (0 removes it)",
    body: setItemBody,
    responses: cartResponses({ 400: { description: 'Invalid quantity' }, 404: { description: 'Not on sale or not in the cart' } }),
  },
  {
    method: 'delete',
    path: '/cart/items/:sku',
    tag: 'Cart',
    auth: 'buyer',
    summary: 'Remove a line',
    responses: cartResponses({ 404: { description: 'Not in the cart' } }),
  },
]
