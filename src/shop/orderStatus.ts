// The one table of order status transitions. Every status change goes through `assertTransition` (and,
// in SQL, through a conditional update on the expected current status), so no path can skip a rule.
import { label } from '../i18n/labels'
import { Conflict } from './errors'

export const ORDER_STATUSES = ['awaiting_payment', 'paid', 'ready', 'collected', 'cancelled'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/**
 * Where an order's money stands, beside its status. Checkout authorizes (`pending` → `authorized`);
 * assembly captures the final total (`capture_pending` → `captured`) and releases the rest of the hold;
 * a cancellation voids an authorization or refunds a capture. `*_due` states are work the settlement job
 * retries until the gateway has done it.
 */
export const PAYMENT_STATES = [
  'pending', // authorization asked for, no answer yet
  'authorized', // the amount is held on the buyer's card
  'capture_pending', // capture of the final total asked for, no answer yet
  'captured', // the final total is charged (the rest of the hold released)
  'release_due', // an authorization (or what is left of it) is to be voided
  'voided', // the hold is released, nothing charged
  'refund_due', // captured money is to be given back (all of it, or what a lighter order takes off)
  'refunded', // the cancelled order's captured money is back
  'declined', // the authorization (or the capture) was declined
  'unknown', // cancelled before the authorization's outcome was known; the settlement job keeps asking
  'none', // nothing was ever held
] as const
export type PaymentState = (typeof PAYMENT_STATES)[number]

/** What the panel calls each status and payment state, in the clerk's language. */
export const STATUS_LABELS: Record<OrderStatus, { en: string; ru: string }> = {
  awaiting_payment: label('Awaiting payment', 'Ожидает оплаты'),
  paid: label('Paid, to assemble', 'Оплачен, собрать'),
  ready: label('Ready for pickup', 'Готов к выдаче'),
  collected: label('Handed over', 'Выдан'),
  cancelled: label('Cancelled', 'Отменён'),
}

export const PAYMENT_STATE_LABELS: Record<PaymentState, { en: string; ru: string }> = {
  pending: label('Authorizing', 'Авторизация'),
  authorized: label('Held on the card', 'Сумма удержана'),
  capture_pending: label('Charging', 'Списание'),
  captured: label('Charged', 'Списано'),
  release_due: label('Hold to release', 'Снять удержание'),
  voided: label('Hold released', 'Удержание снято'),
  refund_due: label('Refund due', 'Ожидает возврата'),
  refunded: label('Refunded', 'Возвращено'),
  declined: label('Declined', 'Отклонено'),
  unknown: label('Outcome unknown', 'Исход неизвестен'),
  none: label('Nothing held', 'Не удерживалось'),
}

export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  awaiting_payment: ['paid', 'cancelled'], // the authorization answered (or the settlement job decided)
  paid: ['ready', 'cancelled'], // assembled and captured; or cancelled (by the buyer, the shop, the pickup hold)
  ready: ['collected', 'cancelled'], // handed over at the counter; or cancelled (by the shop, the pickup hold)
  collected: [],
  cancelled: [],
}

/** Statuses that hold stock: their lines are part of `reserved`. */
export const HOLDING_STOCK: readonly OrderStatus[] = ['awaiting_payment', 'paid', 'ready']

export const canTransition = (from: OrderStatus, to: OrderStatus) => TRANSITIONS[from].includes(to)

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    throw new Conflict(`An order that is ${from} cannot become ${to}`, { from, to })
  }
}

/** The statuses an order may be in for it to move to `to`: the WHERE of the conditional update. */
export const statusesLeadingTo = (to: OrderStatus): OrderStatus[] =>
  ORDER_STATUSES.filter((from) => TRANSITIONS[from].includes(to))
