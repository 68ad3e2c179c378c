// The settlement job: decides about orders the checkout could not finish (gateway timeout, a process that
// died mid-checkout), retries refunds, and refunds charges that arrived for orders already cancelled.
// Every decision is one conditional update, so two processes running the job at once cannot both act.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'
import { inTransaction } from '../db/transaction'
import { paymentGateway } from '../payments'
import { removeOrderedFromCart } from './cart'
import { IDEMPOTENCY_RETENTION_HOURS } from './idempotency'
import { refundIfDue, setPaymentState, transitionOrder } from './orders'

const BATCH = 100
/** How long a cancelled order's unknown payment is still asked about (a late charge gets refunded). */
const LATE_CHARGE_WINDOW = sql`interval '24 hours'`


export type SettlementReport = { paid: number; cancelled: number; refunded: number }

const isConflict = (err: unknown) => (err as { status?: number }).status === 409

export async function settleOrders(req: PayloadRequest): Promise<SettlementReport> {
  const report: SettlementReport = { paid: 0, cancelled: 0, refunded: 0 }
  const gateway = paymentGateway(req.payload)

  // 1. Reservations that waited too long: ask the gateway what became of their charge.
  const { rows: expired } = await execute<{ id: number; payment_key: string; buyer_id: number }>(
    req,
    sql`SELECT id, payment_key, buyer_id FROM orders
        WHERE status = 'awaiting_payment' AND expires_at < now() ORDER BY expires_at LIMIT ${BATCH}`,
  )
  for (const order of expired) {
    const record = await gateway.retrieve(order.payment_key)
    try {
      if (record.status === 'approved') {
        await inTransaction(req, async (req) => {
          await transitionOrder(req, order.id, 'paid', { paymentState: 'charged', chargeId: record.chargeId, ifPaymentState: ['pending'] })
          await removeOrderedFromCart(req, order.buyer_id, order.id)
        })
        report.paid++ // its confirmation email is now due (src/shop/confirmation.ts)
      } else if (record.status === 'declined') {
        await transitionOrder(req, order.id, 'cancelled', {
          paymentState: 'declined',
          declineReason: record.reason,
          ifPaymentState: ['pending'],
          cancelReason: 'payment declined',
        })
        report.cancelled++
      } else {
        // No charge (yet): release the stock; if a charge still arrives, step 2 refunds it.
        await transitionOrder(req, order.id, 'cancelled', {
          paymentState: 'unknown',
          ifPaymentState: ['pending'],
          cancelReason: 'payment not confirmed in time',
        })
        report.cancelled++
      }
    } catch (err) {
      if (!isConflict(err)) throw err // another process decided first: nothing to do
    }
  }

  // 2. Cancelled orders whose payment was never confirmed: a charge that arrived late is refunded.
  const { rows: unknown } = await execute<{ id: number; payment_key: string; old: boolean }>(
    req,
    sql`SELECT id, payment_key, cancelled_at < now() - ${LATE_CHARGE_WINDOW} AS old FROM orders
        WHERE status = 'cancelled' AND payment_state = 'unknown' ORDER BY id LIMIT ${BATCH}`,
  )
  for (const order of unknown) {
    const record = await gateway.retrieve(order.payment_key)
    if (record.status === 'approved') {
      await execute(
        req,
        sql`UPDATE orders SET payment_state = 'refund_due', payment_charge_id = ${record.chargeId}, updated_at = now()
            WHERE id = ${order.id} AND payment_state = 'unknown'`,
      )
    } else if (record.status === 'declined') {
      await setPaymentState(req, order.id, ['unknown'], 'declined')
    } else if (order.old) {
      await setPaymentState(req, order.id, ['unknown'], 'none')
    }
  }

  // 3. Refunds that are due (new ones from step 2, admin cancellations, earlier failures).
  const { rows: due } = await execute<{ id: number }>(
    req,
    sql`SELECT id FROM orders WHERE payment_state = 'refund_due' ORDER BY id LIMIT ${BATCH}`,
  )
  for (const order of due) if (await refundIfDue(req, order.id)) report.refunded++

  // Checkouts whose process died leave their claim running; once their order is settled, the buyer may
  // check out again (and a replay of their key answers from the order).
  await execute(
    req,
    sql`UPDATE checkout_requests SET state = 'done'
        WHERE state = 'running' AND order_id IN (SELECT id FROM orders WHERE status <> 'awaiting_payment')`,
  )
  await execute(req, sql`DELETE FROM checkout_requests WHERE created_at < now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})`)
  await execute(req, sql`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})`)
  return report
}
