// /api/orders/:id/qr (the buyer's QR code) and /api/orders/:id/cancel (the shop cancels).
import { z } from 'zod'

import { defineRoute, json } from '../../../api/route'
import { NotFound } from '../../../shop/errors'
import { cancelOrder, findOrder, orderForStaff } from '../../../shop/orders'
import { pickupCodeFor, pickupQrPng } from '../../../shop/pickupCode'
import { staffOrderSchema } from '../../../shop/endpoints/schemas'

const orderParams = z.object({
  id: z.coerce.number().int().positive().max(2_147_483_647).describe('The order id'),
})

export const cancelBody = z.object({ reason: z.string().trim().min(1).max(500).default('cancelled by the shop') }).strict()

export const orderRoutes = [
  defineRoute({
    method: 'get',
    path: '/orders/:id/qr',
    collection: 'orders',
    tag: 'Orders',
    who: 'signedIn',
    summary: "The order's pickup QR code (PNG); only for the buyer who placed it",
    params: orderParams,
    responses: {
      200: { description: 'QR code holding the pickup code', contentType: 'image/png' },
      400: { description: 'The id is not a positive integer' },
      404: { description: 'No such order of yours' },
    },
    handler: async ({ req, user, params }) => {
      const order = await findOrder(req, { id: params.id })
      // Someone else's order does not exist, as far as this buyer can tell.
      if (!order || String(order.buyer_id) !== String(user.id)) throw new NotFound('No such order')
      const png = pickupQrPng(pickupCodeFor(order.number))
      return new Response(new Uint8Array(png), { headers: { 'Content-Type': 'image/png', 'Cache-Control': 'private, no-store' } })
    },
  }),
  defineRoute({
    method: 'post',
    path: '/orders/:id/cancel',
    collection: 'orders',
    tag: 'Orders',
    who: 'orders.cancel',
    summary: 'Cancel an order (e.g. never collected): its stock goes back and a payment is refunded',
    params: orderParams,
    body: cancelBody,
    responses: {
      200: { description: 'Cancelled', schema: z.object({ order: staffOrderSchema, payment: z.string() }) },
      400: { description: 'The id is not a positive integer, or an invalid body' },
      404: { description: 'No such order' },
      409: { description: 'Already collected or cancelled' },
    },
    handler: async ({ req, user, params, body }) => {
      const order = await cancelOrder(req, params.id, body.reason, user)
      return json({ order: await orderForStaff(req, order), payment: order.payment_state })
    },
  }),
]
