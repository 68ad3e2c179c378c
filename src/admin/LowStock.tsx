// Dashboard block "Low stock and shortfalls": the same query as GET /api/stock/low, for those who manage
// stock, each row linked to its stock row.
import type { ServerProps } from 'payload'
import { createLocalReq } from 'payload'

import { storesWhere } from '../shop/roles'
import { shopT } from '../i18n/adminTranslations'
import { asLang, formatQuantity } from '../lib/units'
import { lowStock } from '../shop/stock'

export async function LowStock({ payload, user, i18n }: ServerProps) {
  const reach = storesWhere(user as { role?: string; stores?: unknown } | null, 'stock.manage')
  if (reach === null) return null
  const t = shopT(i18n)
  const lang = asLang(i18n.language)
  const rows = await lowStock(await createLocalReq({ user: user as never }, payload), reach === 'all' ? undefined : reach)
  const [products, stores] = await Promise.all([
    payload.find({ collection: 'products', where: { id: { in: rows.map((r) => r.product) } }, limit: rows.length || 1, depth: 0, select: { name: true, unit: true }, overrideAccess: false, user }),
    payload.find({ collection: 'stores', where: { id: { in: rows.map((r) => r.store) } }, limit: rows.length || 1, depth: 0, select: { name: true }, overrideAccess: false, user }),
  ])
  const product = new Map(products.docs.map((p) => [String(p.id), p]))
  const store = new Map(stores.docs.map((s) => [s.id, s.name]))
  const adminRoute = payload.config.routes.admin
  return (
    <section className="shop-block low-stock" aria-labelledby="low-stock-title">
      <h2 id="low-stock-title">{t('shop:lowStockTitle')}</h2>
      {rows.length === 0 ? (
        <p>{t('shop:lowStockEmpty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('shop:product')}</th>
              <th>{t('shop:pickupPoint')}</th>
              <th>{t('shop:available')}</th>
              <th>{t('shop:lowStockThreshold')}</th>
              <th>{t('shop:shortfall')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const p = product.get(row.product)
              const unit = p?.unit ?? ''
              return (
                <tr key={row.id} className={row.shortfall > 0 ? 'low-stock__shortfall' : undefined}>
                  <td>
                    <a href={`${adminRoute}/collections/stock/${row.id}`}>{p?.name ?? row.product}</a>
                  </td>
                  <td>{store.get(row.store) ?? row.store}</td>
                  <td>{formatQuantity(row.available, unit, lang)}</td>
                  <td>{row.lowStockThreshold === null ? '—' : formatQuantity(row.lowStockThreshold, unit, lang)}</td>
                  <td>{row.shortfall > 0 ? formatQuantity(row.shortfall, unit, lang) : '—'}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}
