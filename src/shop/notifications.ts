// What the buyer is told about their order: a notice queued in the same transaction as the change it tells
// of (paid, ready, cancelled), so the change and "an email is due" commit together. The notices are sent
// by a job (./emails.ts), never by the request that made the change.
import type { SQL } from 'drizzle-orm'

import { sql } from '../db/sql'

export const NOTIFICATION_KINDS = ['confirmation', 'ready', 'cancelled'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

/**
 * The part of a statement that queues a notice (once per order and kind) for each order `source` (a CTE of
 * the same statement, with an `id` column) names where `when` holds: the change and its notice are one
 * statement, so they commit together without a round trip of their own.
 */
export const queueNotificationsFor = (source: SQL, kind: NotificationKind, when: SQL = sql`true`): SQL =>
  sql`INSERT INTO order_notifications (order_id, kind) SELECT id, ${kind} FROM ${source} WHERE ${when}
      ON CONFLICT (order_id, kind) DO NOTHING`
