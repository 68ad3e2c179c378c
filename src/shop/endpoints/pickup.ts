// POST /api/pickup: the shop scans the buyer's QR code and hands the order over.
import type { Endpoint } from 'payload'
import { z } from 'zod'

import { parseBody, requireAdmin } from '../http'
import type { ApiOperation } from '../openapi'
import { collectOrder, orderForStaff } from '../orders'
import { orderSchema } from './schemas'

export const pickupBody = z.object({
  code: z.string().min(1).max(200).describe("The QR code's content"),
  store: z.number().int().positive().optional().describe('The shop handing the order over; another shop’s order → 409'),
})

export const pickupEndpoints: Endpoint[] = [
  {
    path: '/pickup',
    method: 'post',
    handler: async (req) => {
      requireAdmin(req)
      const { code, store } = await parseBody(req, pickupBody)
      return Response.json({ order: await orderForStaff(req, await collectOrder(req, code, store)) })
    },
  },
]

export const pickupOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/pickup',
    tag: 'Pickup',
    auth: 'admin',
    summary: 'Hand an order over: marks it collected (once)',
    body: pickupBody,
    responses: {
      200: { description: 'Collected', schema: z.object({ order: orderSchema.omit({ pickupCode: true }) }) },
      400: { description: 'Not a valid (signed) pickup code' },
      404: { description: 'No such order' },
      409: { description: 'Already collected, not paid, or to be collected at another shop' },
    },
  },
]
