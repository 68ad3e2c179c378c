// The order confirmation email. No queue entry per order: a paid order whose email is not sent yet IS the
// entry (an outbox in the orders table), so paying and "the email is due" commit together by construction,
// checkout writes nothing extra, and a slow or failing mail server never holds up a checkout. The
// `sendOrderConfirmations` job (src/jobs) sends what is due; claims are leases taken with one conditional
// UPDATE … SKIP LOCKED, so two processes never send the same email, and a failed or interrupted send is
// retried when its lease runs out.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'
import { formatMoney } from '../lib/money'
import { findOrder, orderView } from './orders'
import { pickupQrPng } from './pickupCode'

export const CONFIRMATION_TASK = 'sendOrderConfirmations'
export const EMAIL_QUEUE = 'email'

/** Attempts per email before it is given up (and logged); leases grow 10, 20, 40 … minutes. */
export const CONFIRMATION_ATTEMPTS = 6
const FIRST_LEASE_MINUTES = 10

export type ConfirmationReport = { sent: number; failed: number }

/**
 * Sends the confirmation emails that are due, one claim at a time, until none is left or `budgetMs` is
 * spent (the next run picks up the rest). One at a time keeps every lease (10 min) longer than the one send
 * it covers (the SMTP timeouts bound a send to 2 min), so a slow mail server cannot make a lease run out
 * while its email is still waiting in a batch.
 */
export async function sendDueConfirmations(req: PayloadRequest, { budgetMs = 8_000 } = {}): Promise<ConfirmationReport> {
  const report: ConfirmationReport = { sent: 0, failed: 0 }
  const started = Date.now()
  do {
    // A claim is a lease: the email is not due again until confirmation_next_at, whoever claimed it.
    const { rows } = await execute<{ id: number; attempt: number }>(
      req,
      sql`UPDATE orders SET confirmation_attempts = confirmation_attempts + 1,
                 confirmation_next_at = now() + make_interval(mins => ${FIRST_LEASE_MINUTES} * power(2, confirmation_attempts)::int)
          WHERE id = (SELECT id FROM orders
                      WHERE status = 'paid' AND confirmation_sent_at IS NULL
                        AND confirmation_attempts < ${CONFIRMATION_ATTEMPTS}
                        AND (confirmation_next_at IS NULL OR confirmation_next_at <= now())
                      ORDER BY paid_at LIMIT 1
                      FOR UPDATE SKIP LOCKED)
          RETURNING id, confirmation_attempts AS attempt`,
    )
    const claimed = rows[0]
    if (!claimed) break
    try {
      await sendOrderConfirmation(req, claimed.id)
      await execute(req, sql`UPDATE orders SET confirmation_sent_at = now() WHERE id = ${claimed.id}`)
      report.sent++
    } catch (err) {
      report.failed++
      const last = claimed.attempt >= CONFIRMATION_ATTEMPTS
      req.payload.logger[last ? 'error' : 'warn'](
        `Confirmation email of order ${claimed.id} failed (attempt ${claimed.attempt} of ${CONFIRMATION_ATTEMPTS}${last ? ', giving up' : ''}): ${(err as Error).message}`,
      )
    }
  } while (Date.now() - started < budgetMs)
  return report
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

export async function sendOrderConfirmation(req: PayloadRequest, orderId: number) {
  const order = await findOrder(req, { id: orderId })
  if (!order) throw new Error(`Order ${orderId} does not exist`)
  const { rows } = await execute<{ email: string }>(req, sql`SELECT email FROM users WHERE id = ${order.buyer_id}`)
  const to = rows[0]?.email
  if (!to) throw new Error(`The buyer of order ${order.number} has no email address`)
  const view = await orderView(req, order)
  const money = (minor: number) => formatMoney(minor, view.currency)
  const lines = view.items.map((i) => `${i.name} (${i.sku}): ${i.quantity} ${i.unit} × ${money(i.unitPrice)} = ${money(i.lineTotal)}`)
  const where = `${view.pickupPoint.name}${view.pickupPoint.address ? `, ${view.pickupPoint.address}` : ''}`
  const qrFile = `order-${view.number}.png`
  await req.payload.sendEmail({
    to,
    subject: `Your 100am shop order ${view.number}`,
    text: [
      `Thank you! Order ${view.number} is paid.`,
      '',
      ...lines,
      `Total: ${money(view.total)}`,
      '',
      `Pick it up at: ${where}`,
      `Show the attached QR code (${qrFile}) at the counter. Pickup code: ${view.pickupCode}`,
    ].join('\n'),
    html: `<p>Thank you! Order <b>${escapeHtml(view.number)}</b> is paid.</p>
<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
<p>Total: <b>${escapeHtml(money(view.total))}</b></p>
<p>Pick it up at: ${escapeHtml(where)}</p>
<p>Show this QR code at the counter:<br><img src="cid:pickup-qr" alt="Pickup QR code" width="240" height="240"></p>`,
    attachments: [{ filename: qrFile, content: pickupQrPng(view.pickupCode), contentType: 'image/png', cid: 'pickup-qr' }],
  })
  return { to, number: view.number }
}
