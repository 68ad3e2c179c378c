// The settlement job: finishes what requests could not (a gateway that did not answer, a process that died,
// a hold or refund the gateway refused for a while), and cancels orders nobody assembles or collects
// within PICKUP_HOLD. Every decision is one conditional update, so two processes running the job at once
// cannot both act.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'
import { inTransaction } from '../db/transaction'
import { callGateway, type CaptureOutcome, type PaymentGateway, paymentGateway, type PaymentRecord } from '../payments'
import { captureKey, finishCapture } from './assembly'
import { removeOrderedFromCart } from './cart'
import { IDEMPOTENCY_RETENTION_HOURS } from './idempotency'
import { settleMoney } from './orderPayments'
import { isConflict } from './errors'
import { cancelOrder, transitionOrder } from './orders'
import { pickupHoldEndsWithin } from './pickupHold'
import { settingsOf } from '../settings'

const BATCH = 100
/** How long a cancelled order's unknown authorization is still asked about (a late hold gets released). */
const LATE_AUTHORIZATION_WINDOW = sql`interval '24 hours'`
/** A capture asked for this long ago without an answer is asked again (the clerk's request has ended). */
const CAPTURE_UNANSWERED = sql`interval '1 minute'`

export type SettlementReport = { paid: number; cancelled: number; ready: number; released: number; refunded: number; expired: number }


export async function settleOrders(req: PayloadRequest): Promise<SettlementReport> {
  const gateway = paymentGateway(req.payload)
  const report: SettlementReport = { paid: 0, cancelled: 0, ready: 0, released: 0, refunded: 0, expired: 0 }
  Object.assign(report, await settleExpiredReservations(req, gateway))
  await settleLateAuthorizations(req, gateway)
  report.ready = await retryUnansweredCaptures(req, gateway)
  report.expired = await cancelPastPickupHold(req)
  Object.assign(report, await settleDueMoney(req))
  await forgetFinishedClaims(req)
  return report
}

/** 1. Reservations that waited too long for their authorization: ask the gateway what became of it. */
async function settleExpiredReservations(req: PayloadRequest, gateway: PaymentGateway) {
  const counts = { paid: 0, cancelled: 0 }
  const { rows: expired } = await execute<ExpiredReservation>(
    req,
    sql`SELECT id, payment_key, buyer_id, authorized::text AS authorized FROM orders
        WHERE status = 'awaiting_payment' AND expires_at < now() ORDER BY expires_at LIMIT ${BATCH}`,
  )
  for (const order of expired) {
    const record = await gateway.retrieve(order.payment_key)
    try {
      counts[await settleExpiredReservation(req, order, record)]++
    } catch (err) {
      if (!isConflict(err)) throw err // another process decided first: nothing to do
    }
  }
  return counts
}

type ExpiredReservation = { id: number; payment_key: string; buyer_id: number; authorized: string }

/** Paid when the gateway holds the order's own amount; cancelled otherwise (what it holds goes back). */
async function settleExpiredReservation(req: PayloadRequest, order: ExpiredReservation, record: PaymentRecord): Promise<'paid' | 'cancelled'> {
  if (record.status === 'approved' && record.authorized !== Number(order.authorized)) {
    req.payload.logger.error(`The gateway holds ${record.authorized} for order ${order.id}, which asked for ${order.authorized}: cancelled`)
    await transitionOrder(req, order.id, 'cancelled', {
      paymentState: record.captured > 0 ? 'refund_due' : 'release_due',
      captured: record.captured > 0 ? record.captured : undefined,
      authorizationId: record.authorizationId,
      declineReason: 'amount_mismatch',
      ifPaymentState: ['pending'],
      cancelReason: 'payment declined',
    })
    return 'cancelled'
  }
  if (record.status === 'approved') {
    await inTransaction(req, async (req) => {
      await transitionOrder(req, order.id, 'paid', {
        // Authorizations made before authorize-then-capture were charges: the money is already taken.
        paymentState: record.captured > 0 ? 'captured' : 'authorized',
        captured: record.captured > 0 ? record.captured : undefined,
        authorizationId: record.authorizationId,
        ifPaymentState: ['pending'],
      })
      await removeOrderedFromCart(req, order.buyer_id, order.id)
    })
    return 'paid' // its confirmation email is now due
  }
  // Declined, or nothing at the gateway (yet): release the stock; a hold that still turns up is released
  // by settleLateAuthorizations.
  await transitionOrder(req, order.id, 'cancelled', {
    paymentState: record.status === 'declined' ? 'declined' : 'unknown',
    declineReason: record.status === 'declined' ? record.reason : undefined,
    ifPaymentState: ['pending'],
    cancelReason: record.status === 'declined' ? 'payment declined' : 'payment not confirmed in time',
  })
  return 'cancelled'
}

/**
 * 2. Cancelled orders whose authorization was never confirmed: a hold that turned up late is released (or,
 * for a charge of the old kind, refunded).
 */
async function settleLateAuthorizations(req: PayloadRequest, gateway: PaymentGateway) {
  const { rows: unknown } = await execute<{ id: number; payment_key: string; old: boolean }>(
    req,
    sql`SELECT id, payment_key, cancelled_at < now() - ${LATE_AUTHORIZATION_WINDOW} AS old FROM orders
        WHERE status = 'cancelled' AND payment_state = 'unknown' ORDER BY id LIMIT ${BATCH}`,
  )
  for (const order of unknown) {
    const record = await gateway.retrieve(order.payment_key)
    if (record.status === 'approved') {
      await execute(
        req,
        sql`UPDATE orders SET payment_state = ${record.captured > 0 ? 'refund_due' : 'release_due'},
                   payment_authorization_id = ${record.authorizationId}, captured = ${record.captured > 0 ? record.captured : null},
                   updated_at = now()
            WHERE id = ${order.id} AND payment_state = 'unknown'`,
      )
    } else if (record.status === 'declined') {
      await execute(req, sql`UPDATE orders SET payment_state = 'declined', updated_at = now() WHERE id = ${order.id} AND payment_state = 'unknown'`)
    } else if (order.old) {
      await execute(req, sql`UPDATE orders SET payment_state = 'none', updated_at = now() WHERE id = ${order.id} AND payment_state = 'unknown'`)
    }
  }
}

/** 3. Captures asked for and not answered: asked again (the same key: the gateway captures once). */
async function retryUnansweredCaptures(req: PayloadRequest, gateway: PaymentGateway): Promise<number> {
  let ready = 0
  const { rows: capturing } = await execute<{ id: number; payment_key: string; payment_authorization_id: string; total: string }>(
    req,
    sql`SELECT id, payment_key, payment_authorization_id, total::text AS total FROM orders
        WHERE status = 'paid' AND payment_state = 'capture_pending' AND updated_at < now() - ${CAPTURE_UNANSWERED}
        ORDER BY id LIMIT ${BATCH}`,
  )
  for (const order of capturing) {
    let outcome: CaptureOutcome | 'unknown' = await callGateway(
      (signal) => gateway.capture({ authorizationId: order.payment_authorization_id, amount: Number(order.total), idempotencyKey: captureKey(order) }, signal),
      settingsOf(req.payload).payment.timeoutMs,
      () => {},
    )
    if (outcome === 'unknown') {
      // Still no answer: the gateway may have captured all the same.
      const record = await gateway.retrieve(order.payment_key)
      if (record.status === 'approved' && record.captured >= Number(order.total)) outcome = { status: 'captured', captureId: 'retrieved' }
    }
    await finishCapture(req, order.id, outcome)
    if (outcome !== 'unknown' && outcome.status === 'captured') ready++
  }
  return ready
}

/**
 * 4. Orders nobody assembled, or nobody collected, within PICKUP_HOLD: cancelled (the hold released, the
 * charge refunded, the stock back on sale), the buyer told.
 */
async function cancelPastPickupHold(req: PayloadRequest): Promise<number> {
  let expired = 0
  const { rows: uncollected } = await execute<{ id: number; status: string }>(
    req,
    sql`SELECT o.id, o.status::text AS status FROM orders o WHERE ${pickupHoldEndsWithin(0)} ORDER BY o.id LIMIT ${BATCH}`,
  )
  for (const order of uncollected) {
    const reason = order.status === 'ready' ? 'not collected within the pickup hold' : 'not assembled within the pickup hold'
    try {
      await cancelOrder(req, order.id, reason, { as: 'job' })
      expired++
    } catch (err) {
      if (!isConflict(err)) throw err // collected, cancelled or assembled meanwhile
    }
  }
  return expired
}

/** 5. Holds to release and money to give back (new ones from the steps above, earlier failures). */
async function settleDueMoney(req: PayloadRequest) {
  const counts = { released: 0, refunded: 0 }
  const { rows: due } = await execute<{ id: number; payment_state: string }>(
    req,
    sql`SELECT id, payment_state::text AS payment_state FROM orders
        WHERE payment_state IN ('release_due', 'refund_due') ORDER BY id LIMIT ${BATCH}`,
  )
  for (const order of due) {
    if (!(await settleMoney(req, order.id))) continue
    counts[order.payment_state === 'refund_due' ? 'refunded' : 'released']++
  }
  return counts
}

/**
 * Checkouts whose process died leave their claim running; once their order is settled, the buyer may check
 * out again (and a replay of their key answers from the order). Old claims and idempotency keys go.
 */
async function forgetFinishedClaims(req: PayloadRequest) {
  await execute(
    req,
    sql`UPDATE checkout_requests SET state = 'done'
        WHERE state = 'running' AND order_id IN (SELECT id FROM orders WHERE status <> 'awaiting_payment')`,
  )
  await execute(req, sql`DELETE FROM checkout_requests WHERE created_at < now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})`)
  await execute(req, sql`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})`)
}
