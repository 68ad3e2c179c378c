'use client'
// The order found at the pickup desk: what was picked, the total, and the button that hands it over.
import { Button } from '@payloadcms/ui'

import { asLang, formatMoney, formatQuantity } from '../../lib/units'
import { useShopT } from '../client'

type Item = { sku: string; name: string; unit: string; quantity: number; pickedQuantity: number | null; lineTotal: number }
export type DeskOrder = { id: number; number: string; status: string; items: Item[]; total: number; currency: string; pickupPoint: { id: number; name: string } }

type Props = { order: DeskOrder; statusLabels: Record<string, string>; busy: boolean; onHandOver: () => void }

export function PickupOrder({ order, statusLabels, busy, onHandOver }: Props) {
  const { t, i18n } = useShopT()
  const lang = asLang(i18n.language)
  return (
    <section className="pickup-desk__order" aria-label={`${t('shop:order')} ${order.number}`}>
      <h2>
        {t('shop:order')} {order.number}
      </h2>
      <p>
        {t('shop:status')}: <strong>{statusLabels[order.status] ?? order.status}</strong> · {order.pickupPoint.name}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('shop:product')}</th>
            <th scope="col">{t('shop:picked')}</th>
            <th scope="col">{t('shop:lineTotal')}</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.sku}>
              <th scope="row">{item.name}</th>
              <td>{formatQuantity(item.pickedQuantity ?? item.quantity, item.unit, lang)}</td>
              <td>{formatMoney(item.lineTotal, order.currency, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="pickup-desk__total">
        {t('shop:total')}: <strong>{formatMoney(order.total, order.currency, lang)}</strong>
      </p>
      <Button buttonStyle="primary" size="large" disabled={busy} onClick={onHandOver}>
        {t('shop:handOver')}
      </Button>
    </section>
  )
}
