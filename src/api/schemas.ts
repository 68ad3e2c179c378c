// Response shapes of the custom endpoints, for the OpenAPI document (the request schemas live beside
// their endpoints, where they validate the bodies).
import { z } from 'zod'

import { ORDER_STATUSES } from '../shop/orderStatus'

/** A page of a list, exactly as Payload answers its lists (and the catalogue search answers too). */
export const pageOf = (doc: z.ZodType) =>
  z.strictObject({
    docs: z.array(doc),
    totalDocs: z.number().int(),
    limit: z.number().int(),
    page: z.number().int(),
    totalPages: z.number().int(),
    pagingCounter: z.number().int(),
    hasPrevPage: z.boolean(),
    hasNextPage: z.boolean(),
    prevPage: z.number().int().nullable(),
    nextPage: z.number().int().nullable(),
  })

export const cartSchema = z.object({
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      unit: z.string(),
      quantityStep: z.number(),
      quantity: z.number(),
      unitPrice: z.number().int().describe('Minor units (kopecks)'),
      lineTotal: z.number().int().describe('unitPrice × quantity, rounded half up; 0 when unavailable'),
      available: z.boolean().describe('false when the product was taken off sale'),
      weighed: z.boolean().describe('Sold by weight or measure: the quantity is approximate, the final price is set when the order is weighed'),
      availableAtStore: z.number().optional().describe('With `store`: what that pickup point has of it now'),
    }),
  ),
  total: z.number().int(),
  hold: z.number().int().describe('What checkout holds on the card for this cart: the total plus WEIGHT_TOLERANCE of the weighed lines'),
  currency: z.string(),
})

const pickupPoint = z.object({ id: z.number().int(), name: z.string(), address: z.string().nullable() })

export const orderSchema = z.object({
  id: z.number().int(),
  number: z.string().describe('Short, random, unique, e.g. K7M3-QX9A'),
  status: z.enum(ORDER_STATUSES),
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      unit: z.string(),
      quantity: z.number().describe('Ordered (and reserved at checkout)'),
      pickedQuantity: z.number().nullable().describe('Picked at assembly (weighed goods: what the scale said); null until the order is ready'),
      unitPrice: z.number().int(),
      lineTotal: z.number().int().describe('unitPrice × quantity until assembly; unitPrice × pickedQuantity (rounded half up) from then on'),
    }),
  ),
  total: z.number().int().describe('Minor units: the estimate until assembly, what is charged from then on'),
  authorized: z.number().int().describe('Held on the card at checkout: the total plus WEIGHT_TOLERANCE of the weighed lines'),
  captured: z.number().int().nullable().describe('Charged at assembly; null until then'),
  refunded: z.number().int().describe('Given back so far (0 until a refund)'),
  currency: z.string(),
  pickupPoint,
  pickupCode: z.string().describe('Signed with the server secret; the QR code holds exactly this text'),
  createdAt: z.string(),
})

/** An order as the shop's staff see it: no pickup code (the buyer's proof), no contact. */
export const staffOrderSchema = orderSchema.omit({ pickupCode: true })

export const paidOrderSchema = z.object({
  order: orderSchema,
  qr: z.string().describe('data:image/png;base64,… QR code of order.pickupCode'),
})

const errorList = z.array(z.object({ name: z.string().optional(), message: z.string(), data: z.unknown().optional() }))
const orderSummary = z.object({ id: z.number().int(), number: z.string(), status: z.string(), total: z.number().int(), currency: z.string() })

/** Checkout's 409s: not enough stock (`lines`), a changed total (`total`), or a plain conflict (`errors` only). */
export const checkoutConflictSchema = z.object({
  errors: errorList,
  lines: z.array(z.object({ sku: z.string(), requested: z.number(), available: z.number() })).optional().describe('Not enough stock: what each short line asked for and what there is'),
  total: z.number().int().optional().describe('The total changed: the current one, to confirm'),
  currency: z.string().optional(),
})
export const unsettledPaymentSchema = z.object({ errors: errorList, order: orderSummary })
