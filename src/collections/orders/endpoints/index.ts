// /api/orders/:id/qr (the buyer's QR code) and /api/orders/:id/cancel (an admin cancels).
import type { Endpoint, PayloadRequest } from 'payload'
import { z } from 'zod'

import { BadRequest, NotFound } from '../../../shop/errors'
import { parseBody, requireAdmin, requireUser } from '../../../shop/http'
import type { ApiOperation } from '../../../shop/openapi'
import { cancelOrder, findOrder, orderForStaff } from '../../../shop/orders'
import { pickupCodeFor, pickupQrPng } from '../../../shop/pickupCode'
import { orderSchema } from '../../../shop/endpoints/schemas'

const orderId = (req: PayloadRequest) => {
  const id = Number(req.routeParams?.id)
  if (!Number.isSafeInteger(id) || id <= 0) throw new BadRequest('The order id must be a positive integer')
  return id
}

export const cancelBody = z.object({ reason: z.string().trim().min(1).max(500).default('cancelled by the shop') })


export const orderEndpoints: Endpoint[] = [
  {
    path: '/:id/qr',
    method: 'get',
    handler: async (req) => {
      const buyer = requireUser(req)
      const order = await findOrder(req, { id: orderId(req) })
      // Someone else's order does not exist, as far as this buyer can tell.
      if (!order || String(order.buyer_id) !== String(buyer.id)) throw new NotFound('No such order')
      const png = pickupQrPng(pickupCodeFor(order.number))
      return new Response(new Uint8Array(png), {
        headers: { 'Content-Type': 'image/png', 'Cache-Control': 'private, no-store' },
      })
    },
  },
  {
    path: '/:id/cancel',
    method: 'post',
    handler: async (req) => {
      requireAdmin(req)
      const { reason } = await parseBody(req, cancelBody)
      const order = await cancelOrder(req, orderId(req), reason)
      return Response.json({ order: await orderForStaff(req, order), payment: order.payment_state })
    },
  },
]

export const orderOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/orders/:id/qr',
    tag: 'Orders',
    auth: 'buyer',
    summary: "The order's pickup QR code (PNG); only for the buyer who placed it",
    responses: { 200: { description: 'QR code holding the pickup code', contentType: 'image/png' }, 404: { description: 'No such order of yours' } },
  },
  {
    method: 'post',
    path: '/orders/:id/cancel',
    tag: 'Orders',
    auth: 'admin',
    summary: 'Cancel an order (e.g. never collected): its stock goes back and a payment is refunded',
    body: cancelBody,
    responses: {
      200: { description: 'Cancelled', schema: z.object({ order: orderSchema.omit({ pickupCode: true }), payment: z.string() }) },
      404: { description: 'No such order' },
      409: { description: 'Already collected or cancelled' },
    },
  },
]
