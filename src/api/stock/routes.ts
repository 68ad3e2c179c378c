// The stock operations: deliveries, stocktakes and write-offs (each with its movement, once per
// Idempotency-Key), the low-stock threshold, and the low-stock list. Business rules live in src/shop/stock.ts.
import { z } from 'zod'

import { storesWhere } from '../../shop/roles'
import { defineRoute, json } from '../route'
import { idempotencyKeyHeader } from '../../shop/idempotency'
import { countStock, lowStock, MAX_STOCK_QUANTITY, receiveStock, setLowStockThreshold, writeOffStock } from '../../shop/stock'
import { toMilli } from '../../lib/quantity'
import { WRITE_OFF_REASONS } from '../../shop/rules'

const quantity = z
  .number()
  .finite()
  .max(MAX_STOCK_QUANTITY)
  .refine((n) => toMilli(Math.abs(n)) !== null, 'at most 3 decimals')
  .describe("In the product's unit, at most 3 decimals (a scale's reading, not the product's step)")
const note = z.string().trim().max(500).optional().describe('Why, for the history')

export const receiveBody = z.object({ quantity: quantity.positive(), note }).strict()
export const countBody = z.object({ onHand: quantity.min(0).describe('What is on the premises now, counted'), note }).strict()
export const writeOffBody = z.object({ quantity: quantity.positive(), reason: z.enum(WRITE_OFF_REASONS), note }).strict()
const operationOnly = (how: string) => z.never({ error: how }).optional().describe(how)
export const patchStockBody = z
  .object({
    lowStockThreshold: quantity.min(0).nullable().describe('Listed in GET /api/stock/low when available falls to this; null: never'),
    onHand: operationOnly('onHand changes only through POST /api/stock/{id}/receive, /count or /write-off'),
    reserved: operationOnly('reserved changes only through checkout, cancellation and hand-over'),
    available: operationOnly('available is onHand − reserved: receive, count or write off instead'),
  })
  .strict()

const stockParams = z.object({ id: z.string().describe('The stock row id') })
const stockDoc = z.object({
  id: z.number().int(),
  product: z.string(),
  store: z.number().int(),
  onHand: z.number(),
  reserved: z.number(),
  available: z.number().describe('onHand − reserved; below 0 is a shortfall'),
  lowStockThreshold: z.number().nullable(),
})
const stockAnswer = z.object({ doc: stockDoc })
const keyed = z.object({ 'Idempotency-Key': idempotencyKeyHeader.optional() })
const changeResponses = {
  200: { description: 'The stock row after the change', schema: stockAnswer },
  400: { description: 'Invalid quantity (not a number, ≤ 0, more than 3 decimals, over 1e9), unknown field, or malformed' },
  404: { description: 'No such stock row' },
  422: { description: 'Idempotency-Key already used with another body' },
}

export const stockRoutes = [
  defineRoute({
    method: 'post',
    path: '/stock/:id/receive',
    collection: 'stock',
    tag: 'Stock',
    who: 'stock.manage',
    summary: 'A delivery arrived: onHand + quantity (a `receipt` movement)',
    params: stockParams,
    headers: keyed,
    body: receiveBody,
    responses: changeResponses,
    handler: async ({ req, user, params, headers, body }) =>
      json(await receiveStock(req, params.id, body, { key: headers['Idempotency-Key'], by: user })),
  }),
  defineRoute({
    method: 'post',
    path: '/stock/:id/count',
    collection: 'stock',
    tag: 'Stock',
    who: 'stock.manage',
    summary: 'A stocktake: onHand becomes the count (a `count` movement records the difference)',
    description: 'Any count from 0 is taken, also one below `reserved`: then `available` goes below 0 (a shortfall) and nothing more is sold there until it is positive again.',
    params: stockParams,
    headers: keyed,
    body: countBody,
    responses: changeResponses,
    handler: async ({ req, user, params, headers, body }) =>
      json(await countStock(req, params.id, body, { key: headers['Idempotency-Key'], by: user })),
  }),
  defineRoute({
    method: 'post',
    path: '/stock/:id/write-off',
    collection: 'stock',
    tag: 'Stock',
    who: 'stock.manage',
    summary: 'Goods written off (damaged, expired, lost …): onHand − quantity (a `write_off` movement with its reason)',
    params: stockParams,
    headers: keyed,
    body: writeOffBody,
    responses: { ...changeResponses, 409: { description: 'More than is on hand' } },
    handler: async ({ req, user, params, headers, body }) =>
      json(await writeOffStock(req, params.id, body, { key: headers['Idempotency-Key'], by: user })),
  }),
  defineRoute({
    method: 'patch',
    path: '/stock/:id',
    collection: 'stock',
    tag: 'Stock',
    who: 'stock.manage',
    summary: 'Set the low-stock threshold (the only field changed as such)',
    description: 'onHand, reserved and available are refused here with a 400 that names the operation to use.',
    params: stockParams,
    body: patchStockBody,
    responses: {
      200: { description: 'The stock row', schema: stockAnswer },
      400: { description: 'A number other than the threshold, an invalid threshold, or malformed' },
      404: { description: 'No such stock row' },
    },
    handler: async ({ req, params, body }) => json(await setLowStockThreshold(req, params.id, body.lowStockThreshold)),
  }),
  defineRoute({
    method: 'get',
    path: '/stock/low',
    collection: 'stock',
    tag: 'Stock',
    who: 'stock.manage',
    summary: 'Low stock and shortfalls: rows with available ≤ their threshold, or below 0; shortfalls first',
    description: 'Staff see their own pickup points only.',
    responses: {
      200: {
        description: 'The rows, each with its shortfall (−available when below 0, else 0)',
        schema: z.object({ docs: z.array(stockDoc.extend({ shortfall: z.number() })) }),
      },
    },
    handler: async ({ req, user }) => {
      const stores = storesWhere(user, 'stock.manage')
      return json({ docs: await lowStock(req, stores === 'all' ? undefined : (stores ?? [])) })
    },
  }),
]
