// /api/orders/:id/qr (the buyer's QR code), /api/orders/:id/ready (assembly), /api/orders/:id/cancel.
import { z } from 'zod'

import { defineRoute, json } from '../route'
import { assembleOrder } from '../../shop/assembly'
import { NotFound } from '../../shop/errors'
import { cancelOrder, findOrder, orderForStaff } from '../../shop/orders'
import { pickupCodeFor, pickupQrPng } from '../../shop/pickupCode'
import { staffOrderSchema, unsettledPaymentSchema } from '../schemas'

const orderParams = z.object({
  id: z.coerce.number().int().positive().max(2_147_483_647).describe('The order id'),
})

export const readyBody = z
  .object({
    lines: z
      .array(
        z
          .object({
            sku: z.string().min(1).max(64),
            quantity: z
              .number()
              .finite()
              .min(0)
              .max(1_000_000)
              .describe('What was picked, in the line’s unit: pieces whole, weighed goods to 3 decimals (what the scale said)'),
          })
          .strict(),
      )
      .max(500)
      .optional()
      .describe('The lines picked otherwise than ordered; unlisted lines are picked as ordered'),
  })
  .strict()

export const cancelBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict()

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
    path: '/orders/:id/ready',
    collection: 'orders',
    tag: 'Orders',
    who: 'orders.assemble',
    summary: 'Assemble a paid order: what was picked (weighed) is charged, the order is ready for pickup',
    description:
      'Each listed line is what was picked; unlisted lines are picked as ordered. Pieces: a whole number from 0 to the ordered quantity; ' +
      'weighed goods: from 0 to ordered × (1 + WEIGHT_TOLERANCE), at most 3 decimals. Line totals are picked × unit price, rounded half up; ' +
      'the total is captured (never more than was held), the rest of the hold released, the buyer emailed. Every line at 0 cancels the order. ' +
      'By staff of the order’s pickup point, or an admin.',
    params: orderParams,
    body: readyBody,
    responses: {
      200: { description: 'Ready (or cancelled when nothing could be picked)', schema: z.object({ order: staffOrderSchema }) },
      400: { description: 'A SKU not in the order, a negative quantity, a fraction of a piece, more than 3 decimals, an unknown field' },
      402: { description: 'The gateway declined the capture: the order is cancelled, its stock released, the buyer told', schema: unsettledPaymentSchema },
      404: { description: 'No such order at your pickup points' },
      409: { description: 'The order is not paid; more than the tolerance; a total above the hold; not enough available for a heavier pick' },
      504: { description: 'The gateway did not answer the capture; the settlement job will finish it', schema: unsettledPaymentSchema },
    },
    handler: async ({ req, user, params, body }) => {
      const order = await assembleOrder(req, params.id, body.lines ?? [], user)
      return json({ order: await orderForStaff(req, order) })
    },
  }),
  defineRoute({
    method: 'post',
    path: '/orders/:id/cancel',
    collection: 'orders',
    tag: 'Orders',
    who: 'signedIn',
    summary: 'Cancel an order: its stock goes back, the hold is released or the charge refunded, the buyer is emailed',
    description:
      'The buyer may cancel their own paid order (not once it is ready). Staff of the order’s pickup point and admins may cancel a paid or ready one.',
    params: orderParams,
    body: cancelBody,
    responses: {
      200: { description: 'Cancelled', schema: z.object({ order: staffOrderSchema, payment: z.string() }) },
      400: { description: 'The id is not a positive integer, or an invalid body' },
      404: { description: 'No such order (of yours, or at your pickup points)' },
      409: { description: 'Not paid or ready (awaiting payment, collected, cancelled), or ready and the buyer asks' },
    },
    handler: async ({ req, user, params, body }) => {
      const order = await cancelOrder(req, params.id, body.reason ?? 'cancelled', { as: 'user', id: user.id })
      return json({ order: await orderForStaff(req, order), payment: order.payment_state })
    },
  }),
]
