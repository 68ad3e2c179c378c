import type { Endpoint } from 'payload'
import { z } from 'zod'

import { parseBody, requireAdmin } from '../../../shop/http'
import { adjustStock } from '../../../shop/stock'

export const adjustStockBody = z.object({
  delta: z.union([z.number(), z.string()]).describe('Amount to add (negative to remove), at most 3 decimals'),
})

/** POST /api/stock/:id/adjust {delta}: goods received or written off, added in SQL so it stays exact. */
export const adjustStockEndpoint: Endpoint = {
  path: '/:id/adjust',
  method: 'post',
  handler: async (req) => {
    requireAdmin(req)
    const { delta } = await parseBody(req, adjustStockBody)
    const stock = await adjustStock(req, String(req.routeParams?.id), delta)
    return Response.json({ doc: stock })
  },
}
