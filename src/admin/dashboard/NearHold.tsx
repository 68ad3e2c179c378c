// Dashboard block "Close to the pickup hold": orders the settlement job will cancel within a day (ready and
// not collected, or paid and not assembled), so the shop can call the buyer or assemble them first.
import type { ServerProps } from 'payload'
import { createLocalReq } from 'payload'

import { storesWhere } from '../../shop/roles'
import { STATUS_LABELS } from '../../shop/orderStatus'
import { shopT } from '../../i18n/adminTranslations'
import { asLang } from '../../lib/units'
import { ordersNearPickupHold } from '../../shop/orderQueries'
import { span } from '../time'

const WARN_BEFORE_MS = 24 * 3_600_000

export async function NearHold({ payload, user, i18n }: ServerProps) {
  const reach = storesWhere(user as { role?: string; stores?: unknown } | null, 'orders.read')
  if (reach === null || (reach !== 'all' && reach.length === 0)) return null
  const t = shopT(i18n)
  const lang = asLang(i18n.language)
  // The same condition as the settlement job's (src/shop/pickupHold.ts): it warns only of what the job will cancel.
  const rows = await ordersNearPickupHold(await createLocalReq({}, payload), reach, WARN_BEFORE_MS)
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
                <td>{t('shop:holdEnds', { time: span(o.leftMs, t) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
