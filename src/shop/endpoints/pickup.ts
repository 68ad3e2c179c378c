// POST /api/pickup: the shop scans the buyer's QR code and hands the order over.
import { z } from 'zod'

import { defineRoute, json } from '../../api/route'
import { collectOrder, orderForStaff } from '../orders'
import { staffOrderSchema } from './schemas'

export const pickupBody = z
  .object({
    code: z.string().min(1).max(200).describe("The QR code's content"),
    store: z.number().int().positive().optional().describe('The shop handing the order over; another shop’s order → 409'),
  })
  .strict()

export const pickupRoutes = [
  defineRoute({
    method: 'post',
    path: '/pickup',
    tag: 'Pickup',
    who: 'orders.handOver',
    summary: 'Hand an order over: marks it collected (once)',
    body: pickupBody,
    responses: {
      200: { description: 'Collected', schema: z.object({ order: staffOrderSchema }) },
      400: { description: 'Not a valid (signed) pickup code, or an invalid body' },
      404: { description: 'No such order' },
      409: { description: 'Already collected, not paid, or to be collected at another shop' },
    },
    handler: async ({ req, user, body }) => json({ order: await orderForStaff(req, await collectOrder(req, body.code, body.store, user)) }),
  }),
]
