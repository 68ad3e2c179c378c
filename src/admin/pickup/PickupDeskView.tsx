// /admin/pickup: the pickup desk, for those who hand orders over (staff at their pickup points, admins).
// Payload lets any visitor reach a custom view, so who may see it is checked here.
import type { AdminViewServerProps } from 'payload'
import { redirect } from 'next/navigation'

import { storesWhere } from '../../shop/roles'
import { STATUS_LABELS } from '../../shop/orderStatus'
import { shopT } from '../../i18n/adminTranslations'
import { asLang } from '../../lib/units'
import { ShopView } from '../ShopView'
import { PickupDesk } from './PickupDesk'
import { allowedStores, guardView } from '../views'

export async function PickupDeskView(props: AdminViewServerProps) {
  const { req } = props.initPageResult
  const user = guardView(req, 'orders.handOver', '/pickup')
  const reach = storesWhere(user, 'orders.handOver')
  if (reach === null) redirect(`${req.payload.config.routes.admin}/unauthorized`)
  const t = shopT(req.i18n)
  const lang = asLang(req.i18n.language)
  const stores = await allowedStores(req, reach)
  const statusLabels = Object.fromEntries(Object.entries(STATUS_LABELS).map(([status, label]) => [status, label[lang]]))
  return (
    <ShopView view={props} title={t('shop:pickupDesk')}>
      <PickupDesk stores={stores} statusLabels={statusLabels} />
    </ShopView>
  )
}
