// POST /api/checkout: parse, call the checkout operation (../checkout.ts), answer 201 with the order.
import { z } from 'zod'

import { defineRoute, json } from '../route'
import { type CheckoutOutcome, checkouts } from '../../metrics'
import { checkout } from '../../shop/checkout'
import { CheckoutTooSlow, OutOfStock, PaymentDeclined, PaymentPending, TotalChanged } from '../../shop/errors'
import { idempotencyKeyHeader } from '../../shop/idempotency'
import { checkoutConflictSchema, paidOrderSchema, unsettledPaymentSchema } from '../schemas'

const name = z.string().trim().min(1).max(100)

export const checkoutBody = z
  .object({
    pickupPoint: z.number().int().positive().max(2_147_483_647).describe('The id of an open shop (see GET /api/stores)'),
    contact: z
      .object({
        firstName: name,
        lastName: name,
        phone: z.string().min(3).max(32).describe('Any common format; stored as E.164 (numbers without a country code are read as Russian)'),
      })
      .strict(),
    paymentToken: z
      .string()
      .regex(/^[\x21-\x7e]{1,200}$/, 'a payment token: 1-200 visible ASCII characters')
      .describe('From the payment form. Stub: tok_visa, tok_chargeDeclined, tok_insufficientFunds, tok_timeout, tok_timeoutAfterCharge'),
    expectedTotal: z.number().int().nonnegative().optional().describe('The total the buyer saw; a different current total → 409'),
  })
  .strict()

export const checkoutRoutes = [
  defineRoute({
    method: 'post',
    path: '/checkout',
    tag: 'Checkout',
    who: 'signedIn',
    summary: 'Reserve the cart at a pickup point, pay, get the order and its QR code',
    description:
      'Reserves every cart line at the pickup point in one transaction (never oversells), charges the total, and answers with the paid order. ' +
      'Declined → 402 (order cancelled, stock released, cart kept). No answer from the gateway → 504 (order awaiting payment; settled by a background job). ' +
      'With an Idempotency-Key a retry gets the first answer again.',
    headers: z.object({ 'Idempotency-Key': idempotencyKeyHeader.optional() }),
    body: checkoutBody,
    responses: {
      201: { description: 'Paid: the order, its pickup code and QR code', schema: paidOrderSchema },
      400: { description: 'Invalid body or Idempotency-Key, empty cart, invalid phone' },
      402: { description: 'Payment declined; the order is cancelled and its stock released', schema: unsettledPaymentSchema },
      404: { description: 'No such open pickup point' },
      409: {
        description: 'Not enough stock (lines say what is available), a product no longer on sale, a changed total, or another checkout still running',
        schema: checkoutConflictSchema,
      },
      422: { description: 'Idempotency-Key already used with another body' },
      503: { description: 'The shop was too slow to reserve in time; nothing was charged, nothing is held: try again' },
      504: { description: 'The gateway did not answer in time; the order awaits payment', schema: unsettledPaymentSchema },
    },
    handler: async ({ req, user, headers, body }) => {
      try {
        const placed = await checkout(req, user, body, headers['Idempotency-Key'])
        checkouts.inc({ outcome: 'paid' })
        return json(placed, 201)
      } catch (err) {
        checkouts.inc({ outcome: checkoutOutcome(err) })
        throw err
      }
    },
  }),
]

/** How a checkout that did not end paid is counted in /metrics. */
function checkoutOutcome(err: unknown): CheckoutOutcome {
  if (err instanceof OutOfStock) return 'out_of_stock'
  if (err instanceof PaymentDeclined) return 'declined'
  if (err instanceof PaymentPending) return 'gateway_timeout'
  if (err instanceof TotalChanged) return 'total_changed'
  if (err instanceof CheckoutTooSlow) return 'too_slow'
  const status = (err as { status?: unknown }).status
  return typeof status === 'number' && status < 500 ? 'refused' : 'error'
}
