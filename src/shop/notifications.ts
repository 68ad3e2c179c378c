// What the buyer is told about their order: a notice queued in the same transaction as the change it tells
// of (paid, ready, cancelled), so the change and "an email is due" commit together. The notices are sent
// by a job (./emails.ts), never by the request that made the change.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'

export const NOTIFICATION_KINDS = ['confirmation', 'ready', 'cancelled'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

/** Queues a notice (once per order and kind). Runs inside the caller's transaction. */
export async function queueNotification(req: PayloadRequest, orderId: number, kind: NotificationKind) {
  await execute(req, sql`INSERT INTO order_notifications (order_id, kind) VALUES (${orderId}, ${kind}) ON CONFLICT (order_id, kind) DO NOTHING`)
}
