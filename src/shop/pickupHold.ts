// The pickup hold: how long a paid order may wait to be assembled, and a ready one to be collected, before
// the settlement job cancels it (PICKUP_HOLD). One condition, for the job that cancels and for the
// dashboard that warns: a paid order counts only once its payment is settled (authorized or captured),
// because the job leaves an order whose capture or authorization is still in flight alone.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'
import { env } from '../env'
import type { OrderStatus } from './orderStatus'

const holdOf = () => sql`${`${env.pickupHoldMs} milliseconds`}::interval`

/** SQL: order `o` reaches the end of its pickup hold within `withinMs` from now (0: has reached it). */
export const pickupHoldEndsWithin = (withinMs: number) => {
  const by = sql`now() + ${`${withinMs} milliseconds`}::interval`
  return sql`((o.status = 'ready' AND o.ready_at + ${holdOf()} < ${by})
    OR (o.status = 'paid' AND o.payment_state IN ('authorized', 'captured') AND o.paid_at + ${holdOf()} < ${by}))`
}

export type NearHoldOrder = { id: number; number: string; status: OrderStatus; store: string; leftMs: number }

/** Orders whose pickup hold ends within `withinMs`, soonest first, at `stores` ('all' or a list of ids). */
export async function ordersNearPickupHold(req: PayloadRequest, stores: 'all' | number[], withinMs: number, limit = 50): Promise<NearHoldOrder[]> {
  const scope = stores === 'all' ? sql`` : sql` AND o.pickup_point_id IN (${sql.join(stores.map((id) => sql`${id}`), sql`, `)})`
  const { rows } = await execute<{ id: number; number: string; status: OrderStatus; store: string; left_ms: string }>(
    req,
    sql`SELECT o.id, o.number, o.status::text AS status, s.name AS store,
               (extract(epoch FROM coalesce(o.ready_at, o.paid_at) + ${holdOf()} - now()) * 1000)::bigint::text AS left_ms
        FROM orders o JOIN stores s ON s.id = o.pickup_point_id
        WHERE ${pickupHoldEndsWithin(withinMs)}${scope}
        ORDER BY 5 LIMIT ${limit}`,
  )
  return rows.map((r) => ({ id: r.id, number: r.number, status: r.status, store: r.store, leftMs: Number(r.left_ms) }))
}
