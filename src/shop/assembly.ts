// Assembly: a clerk at the order's pickup point picks its lines (weighing the weighed goods), and the buyer
// pays for what was picked. One transaction records the picks, moves each line's reservation to what was
// picked (a `correction` movement) and the new total, and marks the capture as asked for; then the gateway
// captures the total (never more than was held) and the order is ready, its buyer told, the rest of the hold
// released. A capture the gateway declines cancels the order; one whose outcome is unknown is settled by
// the settlement job (finishCapture), as an unknown authorization is.
import type { PayloadRequest } from 'payload'

import { userCanAtStore } from './roles'
import { execute, sql } from '../db/sql'
import { inTransaction } from '../db/transaction'
import { sumMinor } from '../lib/money'
import { PickRefused, pickLines } from '../lib/picking'
import { formatMilli } from '../lib/quantity'
import { callGateway, type CaptureOutcome, paymentGateway } from '../payments'
import { BadRequest, Conflict, isConflict, NotFound, PaymentDeclined, PaymentPending } from './errors'
import { settleMoney } from './orderPayments'
import { findOrder, orderLines, type OrderRow, transitionOrder } from './orders'
import { correctReservations } from './stock'
import { settingsOf } from '../settings'

type Actor = { id: number | string }
export type PickedQuantity = { sku: string; quantity: number }

type Plan = { next: 'capture'; total: number; authorizationId: string; paymentKey: string } | { next: 'settled' }

/** The capture's idempotency key: one capture per order, whoever asks (the clerk, the settlement job). */
export const captureKey = (order: Pick<OrderRow, 'payment_key'>) => `capture:${order.payment_key}`

export async function assembleOrder(req: PayloadRequest, orderId: number, picks: PickedQuantity[], by: Actor): Promise<OrderRow> {
  const plan = await inTransaction(req, (req) => recordAssembly(req, orderId, picks, by))
  if (plan.next === 'capture') {
    const gateway = paymentGateway(req.payload)
    const outcome = await callGateway(
      (signal) => gateway.capture({ authorizationId: plan.authorizationId, amount: plan.total, idempotencyKey: captureKey({ payment_key: plan.paymentKey }) }, signal),
      settingsOf(req.payload).payment.timeoutMs,
      (err) => req.payload.logger.warn(`Capture for order ${orderId} has no answer: ${err.message}`),
    )
    await finishCapture(req, orderId, outcome, by)
  } else {
    await settleMoney(req, orderId)
  }
  const order = (await findOrder(req, { id: orderId }))!
  const summary = { id: order.id, number: order.number, status: order.status, total: Number(order.total), currency: order.currency }
  if (order.status === 'paid') throw new PaymentPending(summary)
  if (order.status === 'cancelled' && plan.next === 'capture') throw new PaymentDeclined(summary, 'capture declined')
  return order
}

/** The paid order a clerk at its pickup point may assemble, locked; refusals as 404 or 409. */
async function lockForAssembly(req: PayloadRequest, orderId: number): Promise<OrderRow> {
  const order = await findOrder(req, { id: orderId }, { lock: true })
  // Another pickup point's order does not exist, as far as this clerk can tell.
  if (!order || !userCanAtStore(req, 'orders.assemble', order.pickup_point_id)) throw new NotFound('No such order', { id: orderId })
  if (order.status !== 'paid') throw new Conflict(`Order ${order.number} is ${order.status.replace('_', ' ')}: only a paid order is assembled`, { status: order.status })
  if (order.payment_state !== 'authorized' && order.payment_state !== 'captured') {
    throw new Conflict(`The payment of order ${order.number} is still being settled (${order.payment_state}); try again shortly`, { payment: order.payment_state })
  }
  return order
}

/** The order's lines as picked, and their total, which may not exceed `ceiling` (what is held or charged). */
async function pickOrder(req: PayloadRequest, orderId: number, picks: PickedQuantity[], ceiling: number) {
  const lines = await orderLines(req, orderId)
  let picked
  try {
    picked = pickLines(
      lines.map((l) => ({ sku: l.sku, unit: l.unit, quantity: l.quantity, unitPrice: Number(l.unit_price) })),
      picks,
      settingsOf(req.payload).weightToleranceBp,
    )
  } catch (err) {
    if (!(err instanceof PickRefused)) throw err
    throw err.status === 400 ? new BadRequest(err.message, { sku: err.sku }) : new Conflict(err.message, { sku: err.sku })
  }
  const total = sumMinor(picked.map((l) => l.lineTotal))
  if (total > ceiling) throw new Conflict(`The picked total (${total}) is more than the ${ceiling} held for this order`, { total, authorized: ceiling })
  return { picked, total }
}

/** One transaction: the picks recorded, reservations moved to what was picked, the capture asked for. */
async function recordAssembly(req: PayloadRequest, orderId: number, picks: PickedQuantity[], by: Actor): Promise<Plan> {
  const order = await lockForAssembly(req, orderId)
  // Orders paid before authorize-then-capture were charged in full at checkout: nothing more is captured.
  const chargedInFull = order.payment_state === 'captured'
  const { picked, total } = await pickOrder(req, orderId, picks, chargedInFull ? Number(order.captured) : Number(order.authorized))
  if (picked.every((l) => l.pickedMilli === 0n)) {
    // Nothing of it could be picked: the order is cancelled, its hold released (or its charge refunded).
    await transitionOrder(req, orderId, 'cancelled', {
      paymentState: chargedInFull ? 'refund_due' : 'release_due',
      ifPaymentState: [order.payment_state],
      cancelReason: 'nothing could be picked',
      by,
    })
    return { next: 'settled' }
  }
  const deltas = picked.map((l) => ({ sku: l.sku, milli: l.pickedMilli - l.orderedMilli }))
  const short = await correctReservations(req, order.pickup_point_id, orderId, deltas, by)
  if (short.length > 0) throw new Conflict(`Not enough available at this pickup point to pick more than ordered of ${short.join(', ')}`, { skus: short })
  await execute(
    req,
    sql`UPDATE order_lines ol SET picked_quantity = v.picked, line_total = v.line_total, updated_at = now()
        FROM (VALUES ${sql.join(
          picked.map((l) => sql`(${l.sku}::varchar, ${formatMilli(l.pickedMilli)}::numeric, ${l.lineTotal}::numeric)`),
          sql`, `,
        )}) AS v (sku, picked, line_total)
        WHERE ol.order_id = ${orderId} AND ol.product_id = v.sku`,
  )
  if (chargedInFull) {
    // Ready at once; a lighter order gets the difference back.
    await execute(req, sql`UPDATE orders SET total = ${total}, updated_at = now() WHERE id = ${orderId}`)
    await transitionOrder(req, orderId, 'ready', { paymentState: total < Number(order.captured) ? 'refund_due' : 'captured', ifPaymentState: ['captured'], by })
    return { next: 'settled' }
  }
  await execute(
    req,
    sql`UPDATE orders SET total = ${total}, payment_state = 'capture_pending', updated_at = now()
        WHERE id = ${orderId} AND status = 'paid' AND payment_state = 'authorized'`,
  )
  return { next: 'capture', total, authorizationId: order.payment_authorization_id!, paymentKey: order.payment_key }
}

/**
 * What a capture's answer means for the order: captured → ready (the buyer told, the rest of the hold
 * released); declined → cancelled (stock released, the hold released, the buyer told); unknown → nothing yet.
 * Conditional on the capture still being asked for, so the clerk's request and the settlement job act once.
 */
export async function finishCapture(req: PayloadRequest, orderId: number, outcome: CaptureOutcome | 'unknown', by?: Actor) {
  if (outcome === 'unknown') return
  const { rows } = await execute<{ total: string; authorized: string }>(
    req,
    sql`SELECT total::text AS total, authorized::text AS authorized FROM orders WHERE id = ${orderId}`,
  )
  const { total, authorized } = rows[0]!
  try {
    if (outcome.status === 'captured') {
      await transitionOrder(req, orderId, 'ready', {
        paymentState: Number(authorized) > Number(total) ? 'release_due' : 'captured',
        captured: Number(total),
        ifPaymentState: ['capture_pending'],
        by,
      })
    } else {
      await transitionOrder(req, orderId, 'cancelled', {
        paymentState: 'release_due',
        declineReason: outcome.reason,
        ifPaymentState: ['capture_pending'],
        cancelReason: 'the payment could not be charged',
        by,
      })
    }
  } catch (err) {
    if (!isConflict(err)) throw err // someone else finished it first
  }
  await settleMoney(req, orderId)
}
