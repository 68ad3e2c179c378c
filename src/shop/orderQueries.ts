// What the panel shows of orders beyond one document: counts of the day, money charged, orders near the
// end of their pickup hold. Rows typed here, once; the panel's components call these and run no SQL.
import type { PayloadRequest } from 'payload'

import { execute, sql, sqlList } from '../db/sql'
import type { OrderStatus } from './orderStatus'
import { pickupHoldEndsWithin, pickupHoldInterval } from './pickupHold'

/** The orders of the pickup points in `stores` ('all', or a list of ids): an SQL condition on order `o`. */
const atStores = (stores: 'all' | number[]) => (stores === 'all' ? sql`` : sql` AND o.pickup_point_id IN (${sqlList(stores)})`)

export type DayCount = { store: string; status: OrderStatus; n: number }

/** Today's orders (the shop's own day: the database's time zone) per pickup point and status, and what was charged. */
export async function ordersToday(req: PayloadRequest, stores: 'all' | number[]): Promise<{ counts: DayCount[]; capturedMinor: number }> {
  if (stores !== 'all' && stores.length === 0) return { counts: [], capturedMinor: 0 }
  const { rows: counts } = await execute<DayCount>(
    req,
    sql`SELECT s.name AS store, o.status::text AS status, count(*)::int AS n
        FROM orders o JOIN stores s ON s.id = o.pickup_point_id
        WHERE o.created_at >= date_trunc('day', now())${atStores(stores)}
        GROUP BY s.name, o.status ORDER BY s.name`,
  )
  const { rows: captured } = await execute<{ sum: string | null }>(
    req,
    sql`SELECT sum(o.captured - o.refunded)::text AS sum FROM orders o
        WHERE o.ready_at >= date_trunc('day', now()) AND o.captured IS NOT NULL${atStores(stores)}`,
  )
  return { counts, capturedMinor: Number(captured[0]?.sum ?? 0) }
}

export type NearHoldOrder = { id: number; number: string; status: OrderStatus; store: string; leftMs: number }

/** Orders whose pickup hold ends within `withinMs`, soonest first, at `stores` ('all' or a list of ids). */
export async function ordersNearPickupHold(req: PayloadRequest, stores: 'all' | number[], withinMs: number, limit = 50): Promise<NearHoldOrder[]> {
  if (stores !== 'all' && stores.length === 0) return []
  const { rows } = await execute<{ id: number; number: string; status: OrderStatus; store: string; left_ms: string }>(
    req,
    sql`SELECT o.id, o.number, o.status::text AS status, s.name AS store,
               (extract(epoch FROM coalesce(o.ready_at, o.paid_at) + ${pickupHoldInterval()} - now()) * 1000)::bigint::text AS left_ms
        FROM orders o JOIN stores s ON s.id = o.pickup_point_id
        WHERE ${pickupHoldEndsWithin(withinMs)}${atStores(stores)}
        ORDER BY 5 LIMIT ${limit}`,
  )
  return rows.map((r) => ({ id: r.id, number: r.number, status: r.status, store: r.store, leftMs: Number(r.left_ms) }))
}
