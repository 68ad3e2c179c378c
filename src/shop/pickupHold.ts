// The pickup hold: how long a paid order may wait to be assembled, and a ready one to be collected, before
// the settlement job cancels it (PICKUP_HOLD). One condition, for the job that cancels and for the
// dashboard that warns: a paid order counts only once its payment is settled (authorized or captured),
// because the job leaves an order whose capture or authorization is still in flight alone.
import { sql } from '../db/sql'
import { env } from '../env'

/** PICKUP_HOLD as an SQL interval. */
export const pickupHoldInterval = () => sql`${`${env.pickupHoldMs} milliseconds`}::interval`

/** SQL: order `o` reaches the end of its pickup hold within `withinMs` from now (0: has reached it). */
export const pickupHoldEndsWithin = (withinMs: number) => {
  const by = sql`now() + ${`${withinMs} milliseconds`}::interval`
  return sql`((o.status = 'ready' AND o.ready_at + ${pickupHoldInterval()} < ${by})
    OR (o.status = 'paid' AND o.payment_state IN ('authorized', 'captured') AND o.paid_at + ${pickupHoldInterval()} < ${by}))`
}
