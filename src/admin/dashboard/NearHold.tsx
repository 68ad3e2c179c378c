// Dashboard block "Close to the pickup hold": orders the settlement job will cancel within a day (ready and
// not collected, or paid and not assembled), so the shop can call the buyer or assemble them first.
import type { ServerProps } from 'payload'
import { createLocalReq } from 'payload'

import { storesWhere } from '../../access/roles'
import { STATUS_LABELS } from '../../collections/orders'
import { execute, sql } from '../../db/sql'
import { env } from '../../env'
import { shopT } from '../../i18n/adminTranslations'
import { asLang } from '../../lib/units'
import type { OrderStatus } from '../../shop/orderStatus'
import { span } from '../time'

const WARN_BEFORE_MS = 24 * 3_600_000

export async function NearHold({ payload, user, i18n }: ServerProps) {
  const reach = storesWhere(user as { role?: string; stores?: unknown } | null, 'orders.read')
  if (reach === null || (reach !== 'all' && reach.length === 0)) return null
  const t = shopT(i18n)
  const lang = asLang(i18n.language)
  const scope = reach === 'all' ? sql`` : sql` AND o.pickup_point_id IN (${sql.join(reach.map((id) => sql`${id}`), sql`, `)})`
  const hold = sql`${`${env.pickupHoldMs} milliseconds`}::interval`
  const { rows } = await execute<{ id: number; number: string; status: OrderStatus; store: string; left_ms: string }>(
    await createLocalReq({}, payload),
    sql`SELECT o.id, o.number, o.status::text AS status, s.name AS store,
               (extract(epoch FROM coalesce(o.ready_at, o.paid_at) + ${hold} - now()) * 1000)::bigint::text AS left_ms
        FROM orders o JOIN stores s ON s.id = o.pickup_point_id
        WHERE ((o.status = 'ready' AND o.ready_at + ${hold} < now() + ${`${WARN_BEFORE_MS} milliseconds`}::interval)
            OR (o.status = 'paid' AND o.paid_at + ${hold} < now() + ${`${WARN_BEFORE_MS} milliseconds`}::interval))${scope}
        ORDER BY 5 LIMIT 50`,
  )
  const admin = payload.config.routes.admin
  return (
    <section className="shop-block near-hold" aria-labelledby="near-hold-title">
      <h2 id="near-hold-title">{t('shop:nearHoldTitle')}</h2>
      {rows.length === 0 ? (
        <p>{t('shop:nearHoldEmpty')}</p>
      ) : (
        <table>
          <tbody>
            {rows.map((o) => (
              <tr key={o.id}>
                <td>
                  <a href={`${admin}/collections/orders/${o.id}`}>{o.number}</a>
                </td>
                <td>{o.store}</td>
                <td>{STATUS_LABELS[o.status][lang]}</td>
                <td>{t('shop:holdEnds', { time: span(Number(o.left_ms), t) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
