// The buyer's emails: a notice queued with the change it tells of (./notifications.ts) is sent here by a
// job, never by the request that made the change, so a slow or failing mail server never holds up a
// checkout or a hand-over. Claims are leases taken with one conditional UPDATE … SKIP LOCKED, so two
// processes never send the same email, and a failed or interrupted send is retried when its lease runs out.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'
import { escapeHtml } from '../lib/html'
import { env } from '../env'
import { isSupportedLanguage } from '../i18n/language'
import { formatMoney, formatQuantity, isWeighed, type Lang } from '../lib/units'
import type { NotificationKind } from './notifications'
import { findOrder, orderView, type OrderRow, type OrderView } from './orders'
import { pickupQrPng } from './pickupCode'

export const NOTIFICATION_TASK = 'sendOrderEmails'
export const EMAIL_QUEUE = 'email'

/** Attempts per email before it is given up (and logged); leases grow 10, 20, 40 … minutes. */
export const NOTIFICATION_ATTEMPTS = 6
const FIRST_LEASE_MINUTES = 10

export type NotificationReport = { sent: number; skipped: number; failed: number }

/**
 * Sends the emails that are due, one claim at a time, until none is left or `budgetMs` is spent (the next
 * run picks up the rest). One at a time keeps every lease (10 min) longer than the one send it covers (the
 * SMTP timeouts bound a send to 2 min), so a slow mail server cannot make a lease run out while its email is
 * still waiting in a batch.
 */
export async function sendDueNotifications(req: PayloadRequest, { budgetMs = 8_000 } = {}): Promise<NotificationReport> {
  const report: NotificationReport = { sent: 0, skipped: 0, failed: 0 }
  const started = Date.now()
  do {
    // A claim is a lease: the email is not due again until next_at, whoever claimed it.
    const { rows } = await execute<{ id: number; order_id: number; kind: NotificationKind; attempt: number }>(
      req,
      sql`UPDATE order_notifications SET attempts = attempts + 1,
                 next_at = now() + make_interval(mins => ${FIRST_LEASE_MINUTES} * power(2, attempts)::int)
          WHERE id = (SELECT id FROM order_notifications
                      WHERE sent_at IS NULL AND attempts < ${NOTIFICATION_ATTEMPTS}
                        AND (next_at IS NULL OR next_at <= now())
                      ORDER BY created_at, id LIMIT 1
                      FOR UPDATE SKIP LOCKED)
          RETURNING id, order_id, kind, attempts AS attempt`,
    )
    const claimed = rows[0]
    if (!claimed) break
    try {
      const sent = await sendNotification(req, claimed.order_id, claimed.kind)
      // Sent, or no longer to be sent (a confirmation of an order cancelled meanwhile): done either way.
      await execute(req, sql`UPDATE order_notifications SET sent_at = now() WHERE id = ${claimed.id}`)
      if (sent) report.sent++
      else report.skipped++
    } catch (err) {
      report.failed++
      const last = claimed.attempt >= NOTIFICATION_ATTEMPTS
      req.payload.logger[last ? 'error' : 'warn'](
        `The ${claimed.kind} email of order ${claimed.order_id} failed (attempt ${claimed.attempt} of ${NOTIFICATION_ATTEMPTS}${last ? ', giving up' : ''}): ${(err as Error).message}`,
      )
    }
  } while (Date.now() - started < budgetMs)
  return report
}

type Email = { subject: string; lines: string[]; qr: boolean }

const where = (view: OrderView) => `${view.pickupPoint.name}${view.pickupPoint.address ? `, ${view.pickupPoint.address}` : ''}`

/** The buyer's emails in their language: the words, the money ("399,85 ₽") and the quantities ("1,5 кг"). */
const WORDS = {
  en: {
    confirmationSubject: (n: string) => `Your 100am shop order ${n}`,
    paid: (n: string, held: string) => `Thank you! Order ${n} is paid: ${held} is held on your card.`,
    total: (t: string) => `Total: ${t}`,
    weighed: 'Weighed goods are charged for what they weigh when we assemble the order; you pay for what was weighed, and the rest of the hold is released.',
    pickUpAt: (w: string) => `Pick it up at: ${w}`,
    showQr: (code: string) => `Show the attached QR code at the counter. Pickup code: ${code}`,
    readySubject: (n: string) => `Your 100am shop order ${n} is ready for pickup`,
    ready: (n: string, w: string) => `Order ${n} is assembled and waiting for you at ${w}.`,
    charged: (held: string, charged: string, released: string | null) =>
      `Held on your card: ${held}; charged: ${charged}${released ? `; the remaining ${released} is released` : ''}.`,
    refunded: (r: string) => `Refunded: ${r}.`,
    cancelledSubject: (n: string) => `Your 100am shop order ${n} is cancelled`,
    cancelled: (n: string, reason: string | null) => `Order ${n} is cancelled${reason ? ` (${reason})` : ''}.`,
    refundCharged: (c: string) => `The ${c} charged is refunded to your card.`,
    releaseHold: (h: string) => `The ${h} held on your card is released; nothing was charged.`,
    qrAlt: 'Pickup QR code',
  },
  ru: {
    confirmationSubject: (n: string) => `Ваш заказ ${n} в магазине 100am`,
    paid: (n: string, held: string) => `Спасибо! Заказ ${n} оплачен: на карте заблокировано ${held}.`,
    total: (t: string) => `Итого: ${t}`,
    weighed: 'Весовые товары оплачиваются по фактическому весу при сборке заказа: спишется сумма за взвешенное, остаток блокировки вернётся на карту.',
    pickUpAt: (w: string) => `Где забрать: ${w}`,
    showQr: (code: string) => `Покажите приложенный QR-код на кассе. Код выдачи: ${code}`,
    readySubject: (n: string) => `Заказ ${n} собран и ждёт вас`,
    ready: (n: string, w: string) => `Заказ ${n} собран и ждёт вас: ${w}.`,
    charged: (held: string, charged: string, released: string | null) =>
      `Заблокировано на карте: ${held}; списано: ${charged}${released ? `; остаток ${released} разблокирован` : ''}.`,
    refunded: (r: string) => `Возвращено: ${r}.`,
    cancelledSubject: (n: string) => `Заказ ${n} отменён`,
    cancelled: (n: string, reason: string | null) => `Заказ ${n} отменён${reason ? ` (${reason})` : ''}.`,
    refundCharged: (c: string) => `Списанные ${c} возвращены на карту.`,
    releaseHold: (h: string) => `Блокировка ${h} на карте снята; ничего не списано.`,
    qrAlt: 'QR-код для выдачи',
  },
} as const

/** The email of one notice, from the order as it is now; null when it no longer applies. */
function compose(kind: NotificationKind, order: OrderRow, view: OrderView, cancelReason: string | null, lang: Lang): Email | null {
  const w = WORDS[lang]
  const money = (minor: number) => formatMoney(minor, view.currency, lang)
  const quantity = (i: OrderView['items'][number]) => formatQuantity(i.pickedQuantity ?? i.quantity, i.unit, lang)
  const items = view.items.map((i) => `${i.name} (${i.sku}): ${quantity(i)} × ${money(i.unitPrice)} = ${money(i.lineTotal)}`)
  if (kind === 'confirmation') {
    // An order cancelled before its confirmation went out gets the cancellation notice only.
    if (order.status === 'cancelled') return null
    return {
      subject: w.confirmationSubject(view.number),
      qr: true,
      lines: [
        w.paid(view.number, money(view.authorized)),
        '',
        ...items,
        w.total(money(view.total)),
        '',
        ...(view.items.some((i) => isWeighed(i.unit)) ? [w.weighed] : []),
        w.pickUpAt(where(view)),
        w.showQr(view.pickupCode),
      ],
    }
  }
  if (kind === 'ready') {
    if (order.status !== 'ready') return null
    const charged = view.captured ?? view.total
    return {
      subject: w.readySubject(view.number),
      qr: true,
      lines: [
        w.ready(view.number, where(view)),
        '',
        ...items,
        w.total(money(view.total)),
        w.charged(money(view.authorized), money(charged), view.authorized > charged ? money(view.authorized - charged) : null),
        ...(view.refunded > 0 ? [w.refunded(money(view.refunded))] : []),
        '',
        w.showQr(view.pickupCode),
      ],
    }
  }
  return {
    subject: w.cancelledSubject(view.number),
    qr: false,
    lines: [
      w.cancelled(view.number, cancelReason),
      view.captured !== null && view.captured > 0 ? w.refundCharged(money(view.captured)) : w.releaseHold(money(view.authorized)),
    ],
  }
}

export async function sendNotification(req: PayloadRequest, orderId: number, kind: NotificationKind) {
  const order = await findOrder(req, { id: orderId })
  if (!order) throw new Error(`Order ${orderId} does not exist`)
  if (order.buyer_id === null) return null // the account is gone: nobody to tell
  const { rows } = await execute<{ email: string; locale: string | null; cancel_reason: string | null }>(
    req,
    sql`SELECT u.email, u.locale::text AS locale, o.cancel_reason FROM users u, orders o WHERE u.id = ${order.buyer_id} AND o.id = ${orderId}`,
  )
  const to = rows[0]?.email
  if (!to) throw new Error(`The buyer of order ${order.number} has no email address`)
  const view = await orderView(req, order)
  const lang: Lang = isSupportedLanguage(rows[0]!.locale) ? rows[0]!.locale : env.locale
  const email = compose(kind, order, view, rows[0]!.cancel_reason, lang)
  if (!email) return null
  const qrFile = `order-${view.number}.png`
  await req.payload.sendEmail({
    to,
    subject: email.subject,
    text: email.lines.join('\n'),
    html: `${email.lines
      .filter((l) => l !== '')
      .map((l) => `<p>${escapeHtml(l)}</p>`)
      .join('\n')}${email.qr ? `\n<p><img src="cid:pickup-qr" alt="${WORDS[lang].qrAlt}" width="240" height="240"></p>` : ''}`,
    attachments: email.qr ? [{ filename: qrFile, content: pickupQrPng(view.pickupCode), contentType: 'image/png', cid: 'pickup-qr' }] : [],
  })
  return { to, number: view.number }
}
