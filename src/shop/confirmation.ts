// The order confirmation email: queued as a job after payment, so a slow or failing mail server never
// holds up or fails a checkout; the job queue retries it.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'
import { formatMoney } from '../lib/money'
import { findOrder, orderView } from './orders'
import { pickupQrPng } from './pickupCode'

export const CONFIRMATION_TASK = 'sendOrderConfirmation'
export const EMAIL_QUEUE = 'email'

export async function queueConfirmationEmail(req: PayloadRequest, orderId: number) {
  try {
    await req.payload.jobs.queue({ task: CONFIRMATION_TASK, input: { orderId }, queue: EMAIL_QUEUE, req })
  } catch (err) {
    // The order is paid whatever happens to its email.
    req.payload.logger.warn(`Could not queue the confirmation email of order ${orderId}: ${(err as Error).message}`)
  }
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
