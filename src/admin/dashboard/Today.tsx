// Dashboard block "Today": the day's orders per pickup point by status, and what was charged today; for
// admins over every store, for staff over their own.
import type { ServerProps } from 'payload'
import { createLocalReq } from 'payload'

import { storesWhere } from '../../shop/roles'
import { STATUS_LABELS } from '../../shop/orderStatus'
import { env } from '../../env'
import { shopT } from '../../i18n/adminTranslations'
import { asLang, formatMoney } from '../../lib/units'
import { ordersToday } from '../../shop/orderQueries'
import { ORDER_STATUSES, type OrderStatus } from '../../shop/orderStatus'

export async function Today({ payload, user, i18n }: ServerProps) {
  const reach = storesWhere(user as { role?: string; stores?: unknown } | null, 'orders.read')
  if (reach === null || (reach !== 'all' && reach.length === 0)) return null
  const t = shopT(i18n)
  const lang = asLang(i18n.language)
  const req = await createLocalReq({}, payload)
  const { counts: rows, capturedMinor } = await ordersToday(req, reach)
  const stores = [...new Set(rows.map((r) => r.store))]
  const count = (store: string, status: OrderStatus) => rows.find((r) => r.store === store && r.status === status)?.n ?? 0
  return (
    <section className="shop-block today" aria-labelledby="today-title">
      <h2 id="today-title">{t('shop:todayTitle')}</h2>
      <p>
        {t('shop:capturedToday')}: <strong data-testid="captured-today">{formatMoney(capturedMinor, env.currency, lang)}</strong>
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
