// POST /api/pickup: the shop scans the buyer's QR code and hands the order over.
import { z } from 'zod'

import { defineRoute, json } from '../route'
import { collectOrder, orderForStaff, orderToHandOver } from '../../shop/orders'
import { HAND_OVER_REFUSALS } from '../../shop/rules'
import { staffOrderSchema } from '../schemas'

export const pickupBody = z
  .object({
    code: z.string().min(1).max(200).describe("The QR code's content"),
    store: z.number().int().positive().optional().describe('The shop handing the order over; another shop’s order → 409'),
  })
  .strict()

const refusal = z.object({
  errors: z.array(
    z.object({
      name: z.string().optional(),
      message: z.string(),
      data: z
        .object({
          reason: z.enum(HAND_OVER_REFUSALS),
          status: z.string(),
          pickupPoint: z.object({ id: z.number().int(), name: z.string() }),
        })
        .describe('Why: for the pickup desk to say it in the clerk’s language'),
    }),
  ),
})

export const pickupRoutes = [
  defineRoute({
    method: 'post',
    path: '/pickup/lookup',
    tag: 'Pickup',
    who: 'orders.handOver',
    summary: 'The order a pickup code stands for, if it can be handed over here now (nothing changes)',
    description: 'What the pickup desk shows before the clerk presses "Hand over". By staff of the order’s pickup point, or an admin.',
    body: pickupBody,
    responses: {
      200: { description: 'Ready to hand over', schema: z.object({ order: staffOrderSchema }) },
      400: { description: 'Not a valid (signed) pickup code (`data.reason`: forged), or an invalid body' },
      404: { description: 'No such order' },
      409: { description: 'Not assembled yet, already handed over, cancelled, or another pickup point’s (`data.reason`)', schema: refusal },
    },
    handler: async ({ req, body }) => json({ order: await orderForStaff(req, await orderToHandOver(req, body.code, body.store)) }),
  }),
  defineRoute({
    method: 'post',
    path: '/pickup',
    tag: 'Pickup',
    who: 'orders.handOver',
    summary: 'Hand a ready order over against its pickup code: collected (once), its goods off the premises',
    description: 'By staff of the order’s pickup point, or an admin.',
    body: pickupBody,
    responses: {
      200: { description: 'Collected', schema: z.object({ order: staffOrderSchema }) },
      400: { description: 'Not a valid (signed) pickup code, or an invalid body' },
      404: { description: 'No such order' },
      409: { description: 'Not assembled yet, already handed over, cancelled, another pickup point’s (`data.reason`), or less on hand than to hand over' },
    },
    handler: async ({ req, user, body }) => json({ order: await orderForStaff(req, await collectOrder(req, body.code, body.store, user)) }),
  }),
]
