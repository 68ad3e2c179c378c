// Orders after checkout: every status change goes through `transitionOrder` (the status table in
// orderStatus.ts, applied as one conditional UPDATE) together with what the change does to the stock
// (released, handed over) and the buyer's notice, in one transaction. What the change owes the gateway
// (a hold to release, money to give back) is recorded as a payment state and done after the commit
// (./orderPayments.ts), retried by the settlement job until the gateway has done it.
import type { SQL } from 'drizzle-orm'
import type { PayloadRequest } from 'payload'

import { userCanAtStore } from './roles'
import { execute, sql, sqlList } from '../db/sql'
import { inTransaction } from '../db/transaction'
import { milliToNumber, toMilli } from '../lib/quantity'
import { BadRequest, Conflict, isConflict, NotFound } from './errors'
import { type NotificationKind, queueNotificationsFor } from './notifications'
import { settleMoney } from './orderPayments'
import { assertTransition, type OrderStatus, type PaymentState, statusesLeadingTo } from './orderStatus'
import { pickupCodeFor, pickupQrDataUrl, verifyPickupCode } from './pickupCode'
import type { HandOverRefusal } from './rules'
import { settleOrderStock } from './stock'

export type OrderItem = {
  sku: string
  name: string
  unit: string
  /** Ordered (and reserved at checkout). */
  quantity: number
  /** Picked at assembly (for weighed goods, what the scale said); null until the order is ready. */
  pickedQuantity: number | null
  unitPrice: number
  /** unitPrice × quantity until assembly; unitPrice × pickedQuantity (rounded half up) from then on. */
  lineTotal: number
}
export type PickupPoint = { id: number; name: string; address: string | null }
export type OrderView = {
  id: number
  number: string
  status: OrderStatus
  items: OrderItem[]
  /** The amount the order costs: the estimate until assembly, what is charged from then on. */
  total: number
  /** Held on the buyer's card at checkout: the total plus the weighing tolerance on weighed lines. */
  authorized: number
  /** Charged at assembly; null until then. */
  captured: number | null
  refunded: number
  currency: string
  pickupPoint: PickupPoint
  pickupCode: string
  createdAt: string
}

type Actor = { id: number | string }

export type OrderRow = {
  id: number
  number: string
  buyer_id: number | null
  status: OrderStatus
  total: string | number
  authorized: string | number
  captured: string | number | null
  refunded: string | number
  currency: string
  pickup_point_id: number
  store_name: string
  store_address: string | null
  payment_state: PaymentState
  payment_key: string
  payment_authorization_id: string | null
  created_at: Date | string
}

const orderColumns = sql`o.id, o.number, o.buyer_id, o.status::text AS status, o.total::text AS total,
  o.authorized::text AS authorized, o.captured::text AS captured, o.refunded::text AS refunded, o.currency,
  o.pickup_point_id, s.name AS store_name, s.address AS store_address, o.payment_state::text AS payment_state,
  o.payment_key, o.payment_authorization_id, o.created_at`

export async function findOrder(req: PayloadRequest, where: { id: number } | { number: string }, { lock = false } = {}) {
  const condition = 'id' in where ? sql`o.id = ${where.id}` : sql`o.number = ${where.number}`
  const { rows } = await execute<OrderRow>(
    req,
    sql`SELECT ${orderColumns} FROM orders o JOIN stores s ON s.id = o.pickup_point_id WHERE ${condition}${lock ? sql` FOR UPDATE OF o` : sql``}`,
  )
  return rows[0] ?? null
}

export type OrderLineRow = {
  sku: string
  name: string
  unit: string
  quantity: string
  picked_quantity: string | null
  unit_price: string | number
  line_total: string | number
}
type OrderHead = Pick<
  OrderRow,
  'id' | 'number' | 'status' | 'total' | 'authorized' | 'captured' | 'refunded' | 'currency' | 'pickup_point_id' | 'store_name' | 'store_address' | 'created_at'
>

const quantityOf = (text: string) => milliToNumber(toMilli(text)!)

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
      quantity: quantityOf(r.quantity),
      pickedQuantity: r.picked_quantity === null ? null : quantityOf(r.picked_quantity),
      unitPrice: Number(r.unit_price),
      lineTotal: Number(r.line_total),
    })),
    total: Number(order.total),
    authorized: Number(order.authorized),
    captured: order.captured === null ? null : Number(order.captured),
    refunded: Number(order.refunded),
    currency: order.currency,
    pickupPoint: { id: order.pickup_point_id, name: order.store_name, address: order.store_address },
    pickupCode: pickupCodeFor(order.number),
    createdAt: new Date(order.created_at).toISOString(),
  }
}

export async function orderLines(req: PayloadRequest, orderId: number) {
  const { rows } = await execute<OrderLineRow>(
    req,
    sql`SELECT product_id AS sku, name, unit, quantity::text AS quantity, picked_quantity::text AS picked_quantity,
               unit_price::text AS unit_price, line_total::text AS line_total
        FROM order_lines WHERE order_id = ${orderId} ORDER BY product_id`,
  )
  return rows
}

/** The order as its buyer sees it (no contact data: they typed it themselves). */
export async function orderView(req: PayloadRequest, order: OrderRow): Promise<OrderView> {
  return toOrderView(order, await orderLines(req, order.id))
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
  authorizationId?: string
  declineReason?: string
  cancelReason?: string
  /** The charged amount (assembly). */
  captured?: number
  /** Who made the change (staff, admin); the stock movements name them. */
  by?: Actor
  /**
   * Other writes of the same step, made in the same statement and only if the order moved: each a
   * data-modifying statement whose WHERE includes `ORDER_MOVED`.
   */
  alongWith?: SQL[]
}

/** For `alongWith`: true in the transition's statement when the order moved. */
export const ORDER_MOVED = sql`EXISTS (SELECT 1 FROM moved)`

/** What the buyer is told when an order moves to a status (queued with the change, sent by a job). */
const NOTICES: Partial<Record<OrderStatus, NotificationKind>> = { paid: 'confirmation', ready: 'ready', cancelled: 'cancelled' }

/** Runs `step` on the request as it is (in its transaction, if it has one). */
const inPlace = <T>(req: PayloadRequest, step: (req: PayloadRequest) => Promise<T>): Promise<T> => step(req)

/**
 * Moves an order to `to` if the status table allows it from the order's current status, as one
 * conditional UPDATE: two processes deciding about the same order cannot both win. In the same transaction:
 * a cancellation releases the order's reservation, a hand-over takes its goods off the premises, and the
 * buyer's notice is queued. Throws Conflict (409) when the move is not allowed.
 */
export async function transitionOrder(req: PayloadRequest, orderId: number, to: OrderStatus, changes: TransitionChanges = {}) {
  // A move that settles no stock is one statement, atomic by itself: no transaction of its own to open.
  const settlesStock = to === 'cancelled' || to === 'collected'
  const asOneStep = settlesStock ? inTransaction : inPlace
  return asOneStep(req, async (req) => {
    const from = statusesLeadingTo(to)
    const paymentGuard = changes.ifPaymentState?.length
      ? sql` AND payment_state::text IN (${sqlList(changes.ifPaymentState)})`
      : sql``
    // The buyer's notice, in the same statement. A cancellation the buyer did not see happen is told to
    // them; one declined at checkout they saw.
    const kind = NOTICES[to]
    const notice = kind
      ? sql`, noticed AS (${queueNotificationsFor(sql`moved`, kind, to === 'cancelled' ? sql`was <> 'awaiting_payment'` : sql`true`)})`
      : sql``
    const along = (changes.alongWith ?? []).map((write, i) => sql`, along_${sql.raw(String(i))} AS (${write})`)
    const { rows } = await execute<{ id: number; was: OrderStatus }>(
      req,
      sql`WITH moved AS (
          UPDATE orders o SET
            status = ${to},
            payment_state = COALESCE(${changes.paymentState ?? null}, o.payment_state::text)::enum_orders_payment_state,
            payment_authorization_id = COALESCE(${changes.authorizationId ?? null}, o.payment_authorization_id),
            payment_decline_reason = COALESCE(${changes.declineReason ?? null}, o.payment_decline_reason),
            cancel_reason = COALESCE(${changes.cancelReason ?? null}, o.cancel_reason),
            captured = COALESCE(${changes.captured ?? null}::numeric, o.captured),
            paid_at = CASE WHEN ${to} = 'paid' THEN now() ELSE o.paid_at END,
            ready_at = CASE WHEN ${to} = 'ready' THEN now() ELSE o.ready_at END,
            collected_at = CASE WHEN ${to} = 'collected' THEN now() ELSE o.collected_at END,
            cancelled_at = CASE WHEN ${to} = 'cancelled' THEN now() ELSE o.cancelled_at END,
            updated_at = now()
          FROM (SELECT id, status::text AS was FROM orders WHERE id = ${orderId} FOR UPDATE) old
          WHERE o.id = old.id AND o.status::text IN (${sqlList(from)})${paymentGuard}
          RETURNING o.id, old.was
        )${notice}${sql.join(along, sql``)}
        SELECT id, was FROM moved`,
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

/**
 * Who is cancelling: the order's buyer (their own paid order), the shop (staff of its pickup point or an
 * admin: `orders.cancel` there), or the settlement job (an order nobody assembled or collected in time).
 */
export type Canceller = { as: 'user'; id: number | string } | { as: 'job' }

/**
 * Cancels a paid or ready order: its reservation is released and what the payment owes is settled (a hold
 * voided, a charge refunded). A buyer may cancel their own paid order (not once it is ready: the goods are
 * picked and weighed); staff of the order's pickup point and admins, a paid or ready one.
 */
export async function cancelOrder(req: PayloadRequest, orderId: number, reason: string, canceller: Canceller) {
  await inTransaction(req, async (req) => {
    const order = await findOrder(req, { id: orderId }, { lock: true })
    const mayAsShop = order !== null && (canceller.as === 'job' || userCanAtStore(req, 'orders.cancel', order.pickup_point_id))
    const isBuyers = order !== null && canceller.as === 'user' && String(order.buyer_id) === String(canceller.id)
    // Someone else's order does not exist, as far as this caller can tell.
    if (!order || (!mayAsShop && !isBuyers)) throw new NotFound('No such order', { id: orderId })
    if (!mayAsShop && order.status === 'ready') {
      throw new Conflict(`Order ${order.number} is assembled and waiting at ${order.store_name}; the shop can still cancel it.`, { status: order.status })
    }
    if (order.status !== 'paid' && order.status !== 'ready') {
      throw new Conflict(`Order ${order.number} is ${order.status.replace('_', ' ')}: only a paid or ready order can be cancelled`, { status: order.status })
    }
    // Assembly's capture is in flight: what it charges is only known once the gateway answers, and a
    // cancel now would release the rest and never refund the capture. Refused until it has answered.
    if (order.payment_state === 'capture_pending') {
      throw new Conflict(`Order ${order.number} is being charged right now; try again in a moment.`, { status: order.status, payment: order.payment_state })
    }
    // Money charged goes back; a hold not charged is released.
    const charged = order.captured !== null && Number(order.captured) > Number(order.refunded)
    const paymentState: PaymentState = charged ? 'refund_due' : order.payment_authorization_id ? 'release_due' : 'none'
    await transitionOrder(req, orderId, 'cancelled', {
      paymentState,
      ifPaymentState: [order.payment_state],
      cancelReason: reason,
      by: canceller.as === 'job' ? undefined : canceller,
    })
  })
  await settleMoney(req, orderId)
  return (await findOrder(req, { id: orderId }))!
}


/**
 * The order a pickup code stands for, if it can be handed over here now: the code must carry our
 * signature (400), the order must be at a pickup point where the clerk works (or the one the request names)
 * and ready (409, with `reason`). The pickup desk asks this before the clerk presses "Hand over".
 */
export async function orderToHandOver(req: PayloadRequest, code: string, storeId: number | undefined) {
  const number = verifyPickupCode(code)
  if (!number) throw new BadRequest('This is not a valid pickup code', { reason: 'forged' })
  const order = await findOrder(req, { number })
  if (!order) throw new NotFound('No order with this pickup code')
  const refuse = (reason: HandOverRefusal, message: string) => {
    throw new Conflict(message, { reason, status: order.status, pickupPoint: { id: order.pickup_point_id, name: order.store_name } })
  }
  if ((storeId !== undefined && storeId !== order.pickup_point_id) || !userCanAtStore(req, 'orders.handOver', order.pickup_point_id)) {
    refuse('other_store', `Order ${order.number} is to be collected at ${order.store_name}, not here`)
  }
  if (order.status === 'paid') refuse('not_assembled', `Order ${order.number} is not assembled yet`)
  if (order.status === 'collected') refuse('collected', `Order ${order.number} was already handed over`)
  if (order.status === 'cancelled') refuse('cancelled', `Order ${order.number} is cancelled`)
  if (order.status === 'awaiting_payment') refuse('awaiting_payment', `Order ${order.number} is still awaiting its payment`)
  return order
}

/** The shop hands a ready order over against its pickup code (see orderToHandOver), once. */
export async function collectOrder(req: PayloadRequest, code: string, storeId: number | undefined, by: Actor) {
  const order = await orderToHandOver(req, code, storeId)
  try {
    await transitionOrder(req, order.id, 'collected', { by })
  } catch (err) {
    // Handed over at another counter a moment ago.
    if (isConflict(err)) await orderToHandOver(req, code, storeId)
    throw err
  }
  return (await findOrder(req, { id: order.id }))!
}
