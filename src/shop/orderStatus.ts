// The one table of order status transitions. Every status change goes through `assertTransition` (and,
// in SQL, through a conditional update on the expected current status), so no path can skip a rule.
import { Conflict } from './errors'

export const ORDER_STATUSES = ['awaiting_payment', 'paid', 'collected', 'cancelled'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/** Where an order's money stands (beside its status): set by checkout, the settlement job and refunds. */
export const PAYMENT_STATES = ['pending', 'charged', 'declined', 'unknown', 'refund_due', 'refunded', 'none'] as const
export type PaymentState = (typeof PAYMENT_STATES)[number]

export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  awaiting_payment: ['paid', 'cancelled'], // the charge answered (or the expiry job decided)
  paid: ['collected', 'cancelled'], // picked up in the shop, or cancelled by an admin (stock back, refund)
  collected: [],
  cancelled: [],
}

export const canTransition = (from: OrderStatus, to: OrderStatus) => TRANSITIONS[from].includes(to)

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    throw new Conflict(`An order that is ${from} cannot become ${to}`, { from, to })
  }
}

/** The statuses an order may be in for it to move to `to`: the WHERE of the conditional update. */
export const statusesLeadingTo = (to: OrderStatus): OrderStatus[] =>
  ORDER_STATUSES.filter((from) => TRANSITIONS[from].includes(to))
