// What an order owes the payment gateway, done: a hold to release (`release_due`) or money to give back
// (`refund_due`). Asked of the gateway with an idempotency key derived from the order, and recorded with one
// conditional update, so doing it from two places at once (the request that cancelled, the settlement job)
// does it once. A failure leaves it due; the settlement job retries.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'
import { paymentGateway } from '../payments'
import type { OrderStatus, PaymentState } from './orderStatus'

type Due = {
  id: number
  number: string
  status: OrderStatus
  payment_state: PaymentState
  payment_key: string
  payment_authorization_id: string | null
  total: string
  authorized: string
  captured: string | null
  refunded: string
}

/** The refund an order is owed: what was charged and not given back, less what it still costs if not cancelled. */
export const refundOwed = (o: Pick<Due, 'status' | 'total' | 'captured' | 'refunded'>) =>
  Number(o.captured ?? 0) - Number(o.refunded) - (o.status === 'cancelled' ? 0 : Number(o.total))

/** Does what the order's payment owes, if anything. True when this call settled it; false when there was nothing to do, another process settled it first, or the gateway failed (still due). */
export async function settleMoney(req: PayloadRequest, orderId: number): Promise<boolean> {
  const { rows } = await execute<Due>(
    req,
    sql`SELECT id, number, status::text AS status, payment_state::text AS payment_state, payment_key, payment_authorization_id,
               total::text AS total, authorized::text AS authorized, captured::text AS captured, refunded::text AS refunded
        FROM orders WHERE id = ${orderId}`,
  )
  const order = rows[0]
  if (!order || !order.payment_authorization_id) return false
  const gateway = paymentGateway(req.payload)
  const settled: PaymentState = order.status === 'cancelled' ? (order.payment_state === 'refund_due' ? 'refunded' : 'voided') : 'captured'
  try {
    if (order.payment_state === 'release_due') {
      await gateway.void({ authorizationId: order.payment_authorization_id, idempotencyKey: `void:${order.payment_key}` })
      const { rowCount } = await execute(
        req,
        sql`UPDATE orders SET payment_state = ${settled}, updated_at = now() WHERE id = ${orderId} AND payment_state = 'release_due'`,
      )
      return rowCount > 0
    }
    if (order.payment_state === 'refund_due') {
      // A cancelled order charged in part may still hold the rest (its release was due when it was
      // cancelled): let that go too. Same key as the release, so a release already done is not done twice.
      if (order.status === 'cancelled' && Number(order.authorized) > Number(order.captured ?? 0)) {
        await gateway.void({ authorizationId: order.payment_authorization_id, idempotencyKey: `void:${order.payment_key}` })
      }
      const amount = Math.max(refundOwed(order), 0)
      // The key names how much was refunded before, so a retry of this refund is the same refund and the
      // next one (an order refunded in part, then cancelled) is a new one.
      if (amount > 0) {
        await gateway.refund({ authorizationId: order.payment_authorization_id, amount, idempotencyKey: `refund:${order.payment_key}:${order.refunded}` })
      }
      const { rowCount } = await execute(
        req,
        sql`UPDATE orders SET refunded = refunded + ${amount}, payment_state = ${settled}, updated_at = now()
            WHERE id = ${orderId} AND payment_state = 'refund_due' AND refunded = ${order.refunded}::numeric`,
      )
      return rowCount > 0
    }
    return false
  } catch (err) {
    req.payload.logger.warn(`Payment of order ${order.number} (${order.payment_state}) not settled yet, the settlement job will retry: ${(err as Error).message}`)
    return false
  }
}
