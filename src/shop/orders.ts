// Orders after checkout: every status change goes through `transitionOrder` (the status table in
// orderStatus.ts, applied as one conditional UPDATE), and a cancellation puts the reserved stock back in
// the same transaction. Refunds happen after the commit, through the gateway, and are retried by the
// settlement job until they succeed.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'
import { inTransaction } from '../db/transaction'
import { milliToNumber, toMilli } from '../lib/quantity'
import { paymentGateway } from '../payments'
import { BadRequest, Conflict, NotFound } from './errors'
import { settleOrderStock } from './stock'
import { assertTransition, type OrderStatus, type PaymentState, statusesLeadingTo } from './orderStatus'
import { pickupCodeFor, pickupQrDataUrl, verifyPickupCode } from './pickupCode'

export type OrderItem = { sku: string; name: string; unit: string; quantity: number; unitPrice: number; lineTotal: number }
export type PickupPoint = { id: number; name: string; address: string | null }
export type OrderView = {
  id: number
  number: string
  status: OrderStatus
  items: OrderItem[]
  total: number
  currency: string
  pickupPoint: PickupPoint
  pickupCode: string
  createdAt: string
}

export type OrderRow = {
  id: number
  number: string
  buyer_id: number
  status: OrderStatus
  total: string | number
  currency: string
  pickup_point_id: number
  store_name: string
  store_address: string | null
  payment_state: PaymentState
  payment_key: string
  payment_charge_id: string | null
  created_at: Date | string
}

const orderColumns = sql`o.id, o.number, o.buyer_id, o.status::text AS status, o.total::text AS total, o.currency,
  o.pickup_point_id, s.name AS store_name, s.address AS store_address, o.payment_state::text AS payment_state,
  o.payment_key, o.payment_charge_id, o.created_at`

export async function findOrder(req: PayloadRequest, where: { id: number } | { number: string }) {
  const condition = 'id' in where ? sql`o.id = ${where.id}` : sql`o.number = ${where.number}`
  const { rows } = await execute<OrderRow>(
    req,
    sql`SELECT ${orderColumns} FROM orders o JOIN stores s ON s.id = o.pickup_point_id WHERE ${condition}`,
  )
  return rows[0] ?? null
}

export type OrderLineRow = { sku: string; name: string; unit: string; quantity: string; unit_price: string | number; line_total: string | number }
type OrderHead = Pick<OrderRow, 'id' | 'number' | 'status' | 'total' | 'currency' | 'pickup_point_id' | 'store_name' | 'store_address' | 'created_at'>

/** The one place an order's view is built: from its row and its line rows (as PostgreSQL returns them). */
export function toOrderView(order: OrderHead, lines: OrderLineRow[]): OrderView {
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    items: lines.map((r) => ({
      sku: r.sku,
      name: r.name,
      unit: r.unit,
      quantity: milliToNumber(toMilli(r.quantity)!),
      unitPrice: Number(r.unit_price),
      lineTotal: Number(r.line_total),
    })),
    total: Number(order.total),
    currency: order.currency,
    pickupPoint: { id: order.pickup_point_id, name: order.store_name, address: order.store_address },
    pickupCode: pickupCodeFor(order.number),
    createdAt: new Date(order.created_at).toISOString(),
  }
}

/** The order as its buyer sees it (no contact data: they typed it themselves). */
export async function orderView(req: PayloadRequest, order: OrderRow): Promise<OrderView> {
  const { rows } = await execute<OrderLineRow>(
    req,
    sql`SELECT product_id AS sku, name, unit, quantity::text AS quantity, unit_price::text AS unit_price,
               line_total::text AS line_total
        FROM order_lines WHERE order_id = ${order.id} ORDER BY product_id`,
  )
  return toOrderView(order, rows)
}

/** The order for the shop's staff: no contact data and no pickup code (the buyer's proof). */
export async function orderForStaff(req: PayloadRequest, order: OrderRow) {
  const { pickupCode: _code, ...view } = await orderView(req, order)
  return view
}

export async function orderWithQr(req: PayloadRequest, order: OrderRow) {
  const view = await orderView(req, order)
  return { order: view, qr: pickupQrDataUrl(view.pickupCode) }
}

type TransitionChanges = {
  paymentState?: PaymentState
  /** Only move if the payment is in one of these states (e.g. settle only what is still pending). */
  ifPaymentState?: PaymentState[]
  chargeId?: string
  declineReason?: string
  cancelReason?: string
  /** Who made the change (staff, admin); the stock movements name them. */
  by?: { id: number | string }
}

/**
 * Moves an order to `to` if the status table allows it from the order's current status, as one
 * conditional UPDATE: two processes deciding about the same order cannot both win. Cancelling puts the
 * order's stock back in the same transaction. Throws Conflict (409) when the move is not allowed.
 */
export async function transitionOrder(req: PayloadRequest, orderId: number, to: OrderStatus, changes: TransitionChanges = {}) {
  return inTransaction(req, async (req) => {
    const from = statusesLeadingTo(to)
    const paymentGuard = changes.ifPaymentState?.length
      ? sql` AND payment_state::text IN (${sql.join(changes.ifPaymentState.map((s) => sql`${s}`), sql`, `)})`
      : sql``
    const { rows } = await execute<{ id: number }>(
      req,
      sql`UPDATE orders SET
            status = ${to},
            payment_state = COALESCE(${changes.paymentState ?? null}, payment_state::text)::enum_orders_payment_state,
            payment_charge_id = COALESCE(${changes.chargeId ?? null}, payment_charge_id),
            payment_decline_reason = COALESCE(${changes.declineReason ?? null}, payment_decline_reason),
            cancel_reason = COALESCE(${changes.cancelReason ?? null}, cancel_reason),
            paid_at = CASE WHEN ${to} = 'paid' THEN now() ELSE paid_at END,
            collected_at = CASE WHEN ${to} = 'collected' THEN now() ELSE collected_at END,
            cancelled_at = CASE WHEN ${to} = 'cancelled' THEN now() ELSE cancelled_at END,
            updated_at = now()
          WHERE id = ${orderId} AND status::text IN (${sql.join(from.map((s) => sql`${s}`), sql`, `)})${paymentGuard}
          RETURNING id`,
    )
    if (rows.length === 0) {
      const current = await findOrder(req, { id: orderId })
      if (!current) throw new NotFound('No such order', { id: orderId })
      assertTransition(current.status, to)
      // Allowed by the table, but the payment moved on meanwhile: someone else settled this order first.
      throw new Conflict(`Order ${current.number} was settled by another request meanwhile`, { status: current.status })
    }
    // The order's hold on the stock ends with it: released (back to available) or handed over (gone).
    if (to === 'cancelled') await settleOrderStock(req, orderId, 'release', changes.by)
    if (to === 'collected') await settleOrderStock(req, orderId, 'handout', changes.by)
  })
}

/** Sets the payment state when it is still `from` (one conditional update; false when it was not). */
export async function setPaymentState(req: PayloadRequest, orderId: number, from: PaymentState[], to: PaymentState, refundId?: string) {
  const { rowCount } = await execute(
    req,
    sql`UPDATE orders SET payment_state = ${to}, payment_refund_id = COALESCE(${refundId ?? null}, payment_refund_id),
               updated_at = now()
        WHERE id = ${orderId} AND payment_state::text IN (${sql.join(from.map((s) => sql`${s}`), sql`, `)})`,
  )
  return rowCount > 0
}

/**
 * Refunds an order whose payment is `refund_due`. Safe to call from several places at once: the gateway
 * refunds a charge once (same idempotency key), and the state moves on only once. A failure leaves it
 * due, for the settlement job to retry.
 */
export async function refundIfDue(req: PayloadRequest, orderId: number): Promise<boolean> {
  const order = await findOrder(req, { id: orderId })
  if (!order || order.payment_state !== 'refund_due' || !order.payment_charge_id) return false
  try {
    const { refundId } = await paymentGateway(req.payload).refund({
      chargeId: order.payment_charge_id,
      amount: Number(order.total),
      idempotencyKey: `refund:${order.payment_key}`,
    })
    return setPaymentState(req, orderId, ['refund_due'], 'refunded', refundId)
  } catch (err) {
    req.payload.logger.warn(`Refund of order ${order.number} failed, the settlement job will retry: ${(err as Error).message}`)
    return false
  }
}

/** An admin cancels an order (e.g. never collected): stock goes back, and a charge is refunded. */
export async function cancelOrder(req: PayloadRequest, orderId: number, reason: string, by?: { id: number | string }) {
  await inTransaction(req, async (req) => {
    const order = await findOrder(req, { id: orderId })
    if (!order) throw new NotFound('No such order', { id: orderId })
    // A paid order's charge is refunded; an unpaid one may still be charged late, so the job keeps asking.
    const paymentState: PaymentState = order.payment_state === 'charged' ? 'refund_due' : 'unknown'
    await transitionOrder(req, orderId, 'cancelled', {
      paymentState,
      ifPaymentState: [order.payment_state],
      cancelReason: reason,
      by,
    })
  })
  await refundIfDue(req, orderId)
  const order = await findOrder(req, { id: orderId })
  return order!
}

/**
 * The shop hands an order over: the code must carry our signature, the order must be paid, and when the
 * request names the shop it must be the order's pickup point.
 */
export async function collectOrder(req: PayloadRequest, code: string, storeId?: number, by?: { id: number | string }) {
  const number = verifyPickupCode(code)
  if (!number) throw new BadRequest('This is not a valid pickup code')
  const order = await findOrder(req, { number })
  if (!order) throw new NotFound('No order with this pickup code')
  if (storeId !== undefined && storeId !== order.pickup_point_id) {
    throw new Conflict(`Order ${order.number} is to be collected at ${order.store_name}, not here`, {
      pickupPoint: order.pickup_point_id,
    })
  }
  await transitionOrder(req, order.id, 'collected', { by })
  return (await findOrder(req, { id: order.id }))!
}
