// Dashboard block "Today": the day's orders per pickup point by status, and what was charged today; for
// admins over every store, for staff over their own.
import type { ServerProps } from 'payload'
import { createLocalReq } from 'payload'

import { storesWhere } from '../../access/roles'
import { STATUS_LABELS } from '../../collections/orders'
import { execute, sql } from '../../db/sql'
import { env } from '../../env'
import { shopT } from '../../i18n/adminTranslations'
import { asLang, formatMoney } from '../../lib/units'
import { ORDER_STATUSES, type OrderStatus } from '../../shop/orderStatus'

export async function Today({ payload, user, i18n }: ServerProps) {
  const reach = storesWhere(user as { role?: string; stores?: unknown } | null, 'orders.read')
  if (reach === null || (reach !== 'all' && reach.length === 0)) return null
  const t = shopT(i18n)
  const lang = asLang(i18n.language)
  const req = await createLocalReq({}, payload)
  const scope = reach === 'all' ? sql`` : sql` AND o.pickup_point_id IN (${sql.join(reach.map((id) => sql`${id}`), sql`, `)})`
  // "Today" in the shop's own day (the database's time zone).
  const { rows } = await execute<{ store: string; status: OrderStatus; n: number }>(
    req,
    sql`SELECT s.name AS store, o.status::text AS status, count(*)::int AS n
        FROM orders o JOIN stores s ON s.id = o.pickup_point_id
        WHERE o.created_at >= date_trunc('day', now())${scope}
        GROUP BY s.name, o.status ORDER BY s.name`,
  )
  const { rows: captured } = await execute<{ sum: string | null }>(
    req,
    sql`SELECT sum(o.captured - o.refunded)::text AS sum FROM orders o
        WHERE o.ready_at >= date_trunc('day', now()) AND o.captured IS NOT NULL${scope}`,
  )
  const stores = [...new Set(rows.map((r) => r.store))]
  const count = (store: string, status: OrderStatus) => rows.find((r) => r.store === store && r.status === status)?.n ?? 0
  return (
    <section className="shop-block today" aria-labelledby="today-title">
      <h2 id="today-title">{t('shop:todayTitle')}</h2>
      <p>
        {t('shop:capturedToday')}: <strong data-testid="captured-today">{formatMoney(Number(captured[0]?.sum ?? 0), env.currency, lang)}</strong>
      </p>
      <h3>{t('shop:ordersByStatus')}</h3>
      <table>
        <thead>
          <tr>
            <th>{t('shop:pickupPoint')}</th>
            {ORDER_STATUSES.map((status) => (
              <th key={status}>{STATUS_LABELS[status][lang]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {stores.length === 0 ? (
            <tr>
              <td colSpan={ORDER_STATUSES.length + 1}>—</td>
            </tr>
          ) : (
            stores.map((store) => (
              <tr key={store}>
                <td>{store}</td>
                {ORDER_STATUSES.map((status) => (
                  <td key={status}>{count(store, status)}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  )
}
