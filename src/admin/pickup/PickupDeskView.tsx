// /admin/pickup: the pickup desk, for those who hand orders over (staff at their pickup points, admins).
// Payload lets any visitor reach a custom view, so who may see it is checked here.
import { DefaultTemplate } from '@payloadcms/next/templates'
import { Gutter, SetStepNav } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'
import { redirect } from 'next/navigation'

import { storesWhere } from '../../access/roles'
import { STATUS_LABELS } from '../../collections/orders'
import { shopT } from '../../i18n/adminTranslations'
import { asLang } from '../../lib/units'
import { PickupDesk } from './PickupDesk'
import { allowedStores, guardView } from '../views'

export async function PickupDeskView(props: AdminViewServerProps) {
  const { initPageResult, params, searchParams } = props
  const { req, permissions, locale, visibleEntities } = initPageResult
  const user = guardView(req, 'orders.handOver', '/pickup')
  const reach = storesWhere(user, 'orders.handOver')
  if (reach === null) redirect(`${req.payload.config.routes.admin}/unauthorized`)
  const t = shopT(req.i18n)
  const lang = asLang(req.i18n.language)
  const stores = await allowedStores(req, reach)
  const statusLabels = Object.fromEntries(Object.entries(STATUS_LABELS).map(([status, label]) => [status, label[lang]]))
  return (
    <DefaultTemplate
      i18n={req.i18n}
      locale={locale}
      params={params}
      payload={req.payload}
      permissions={permissions}
      req={req}
      searchParams={searchParams}
      user={req.user ?? undefined}
      visibleEntities={{ collections: visibleEntities.collections, globals: visibleEntities.globals }}
    >
      <SetStepNav nav={[{ label: t('shop:pickupDesk') }]} />
      <Gutter>
        <h1 className="shop-view__title">{t('shop:pickupDesk')}</h1>
        <PickupDesk stores={stores} statusLabels={statusLabels} />
      </Gutter>
    </DefaultTemplate>
  )
}
