// The buyer's emails: a notice queued with the change it tells of (./notifications.ts) is sent here by a
// job, never by the request that made the change, so a slow or failing mail server never holds up a
// checkout or a hand-over. Claims are leases taken with one conditional UPDATE … SKIP LOCKED, so two
// processes never send the same email, and a failed or interrupted send is retried when its lease runs out.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'
import { escapeHtml } from '../lib/html'
import { formatMoney } from '../lib/money'
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

/** The email of one notice, from the order as it is now; null when it no longer applies. */
function compose(kind: NotificationKind, order: OrderRow, view: OrderView, cancelReason: string | null): Email | null {
  const money = (minor: number) => formatMoney(minor, view.currency)
  const quantity = (i: OrderView['items'][number]) => i.pickedQuantity ?? i.quantity
  const items = view.items.map((i) => `${i.name} (${i.sku}): ${quantity(i)} ${i.unit} × ${money(i.unitPrice)} = ${money(i.lineTotal)}`)
  if (kind === 'confirmation') {
    // An order cancelled before its confirmation went out gets the cancellation notice only.
    if (order.status === 'cancelled') return null
    return {
      subject: `Your 100am shop order ${view.number}`,
      qr: true,
      lines: [
        `Thank you! Order ${view.number} is paid: ${money(view.authorized)} is held on your card.`,
        '',
        ...items,
        `Total: ${money(view.total)}`,
        '',
        'Weighed goods are charged for what they weigh when we assemble the order; you pay for what was weighed, and the rest of the hold is released.',
        `Pick it up at: ${where(view)}`,
        `Show the attached QR code at the counter. Pickup code: ${view.pickupCode}`,
      ],
    }
  }
  if (kind === 'ready') {
    if (order.status !== 'ready') return null
    return {
      subject: `Your 100am shop order ${view.number} is ready for pickup`,
      qr: true,
      lines: [
        `Order ${view.number} is assembled and waiting for you at ${where(view)}.`,
        '',
        ...items,
        `Total: ${money(view.total)}`,
        `Held on your card: ${money(view.authorized)}; charged: ${money(view.captured ?? view.total)}${view.authorized > (view.captured ?? view.total) ? `; the remaining ${money(view.authorized - (view.captured ?? view.total))} is released` : ''}.`,
        ...(view.refunded > 0 ? [`Refunded: ${money(view.refunded)}.`] : []),
        '',
        `Show the attached QR code at the counter. Pickup code: ${view.pickupCode}`,
      ],
    }
  }
  return {
    subject: `Your 100am shop order ${view.number} is cancelled`,
    qr: false,
    lines: [
      `Order ${view.number} is cancelled${cancelReason ? ` (${cancelReason})` : ''}.`,
      view.captured !== null && view.captured > 0
        ? `The ${money(view.captured)} charged is refunded to your card.`
        : `The ${money(view.authorized)} held on your card is released; nothing was charged.`,
    ],
  }
}

export async function sendNotification(req: PayloadRequest, orderId: number, kind: NotificationKind) {
  const order = await findOrder(req, { id: orderId })
  if (!order) throw new Error(`Order ${orderId} does not exist`)
  if (order.buyer_id === null) return null // the account is gone: nobody to tell
  const { rows } = await execute<{ email: string; cancel_reason: string | null }>(
    req,
    sql`SELECT u.email, o.cancel_reason FROM users u, orders o WHERE u.id = ${order.buyer_id} AND o.id = ${orderId}`,
  )
  const to = rows[0]?.email
  if (!to) throw new Error(`The buyer of order ${order.number} has no email address`)
  const view = await orderView(req, order)
  const email = compose(kind, order, view, rows[0]!.cancel_reason)
  if (!email) return null
  const qrFile = `order-${view.number}.png`
  await req.payload.sendEmail({
    to,
    subject: email.subject,
    text: email.lines.join('\n'),
    html: `${email.lines
      .filter((l) => l !== '')
      .map((l) => `<p>${escapeHtml(l)}</p>`)
      .join('\n')}${email.qr ? `\n<p><img src="cid:pickup-qr" alt="Pickup QR code" width="240" height="240"></p>` : ''}`,
    attachments: email.qr ? [{ filename: qrFile, content: pickupQrPng(view.pickupCode), contentType: 'image/png', cid: 'pickup-qr' }] : [],
  })
  return { to, number: view.number }
}
