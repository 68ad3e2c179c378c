// POST /api/stock/:id/adjust: goods received or written off, added in SQL so it stays exact.
import { z } from 'zod'

import { defineRoute, json } from '../../../api/route'
import { adjustStock } from '../../../shop/stock'

export const adjustStockBody = z
  .object({
    delta: z.union([z.number(), z.string()]).describe('Amount to add (negative to remove), at most 3 decimals'),
  })
  .strict()

const stockDoc = z.object({ id: z.number().int(), product: z.string(), store: z.number().int(), quantity: z.number() })

export const stockRoutes = [
  defineRoute({
    method: 'post',
    path: '/stock/:id/adjust',
    collection: 'stock',
    tag: 'Stock',
    who: 'stock.manage',
    summary: 'Add to or take from a stock row (a whole number of the product’s steps; never below zero)',
    params: z.object({ id: z.string().describe('The stock row id') }),
    body: adjustStockBody,
    responses: {
      200: { description: 'The stock row after the change', schema: z.object({ doc: stockDoc }) },
      400: { description: 'Not a multiple of the product’s step, or malformed' },
      404: { description: 'No such stock row' },
      409: { description: 'It would go below zero' },
    },
    handler: async ({ req, params, body }) => json({ doc: await adjustStock(req, params.id, body.delta) }),
  }),
]
