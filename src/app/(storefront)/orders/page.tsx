// The buyer's orders, newest first.
import type { Metadata } from 'next'
import { redirect } from 'next/navigation'

import { formatMoney } from '../../../lib/units'
import { messagesFor } from '../_lib/messages'
import { shop } from '../_lib/shop'

export const metadata: Metadata = { title: 'Заказы · Orders' }

export default async function OrdersPage() {
  const { api, lang, token } = await shop()
  if (!token) redirect('/login?next=/orders')
  const t = messagesFor(lang)
  const { data, response } = await api.GET('/orders', { params: { query: { sort: '-createdAt', limit: 50, depth: 0 } } })
  if (response.status === 403 || response.status === 401) redirect('/login?next=/orders')
  const orders = data?.docs ?? []
  return (
    <>
      <h1>{t.orders}</h1>
      {orders.length === 0 ? <p>{t.noOrders}</p> : null}
      <ul className="lines">
        {orders.map((o) => (
          <li key={o.id} className="line">
            <div className="row">
              <a href={`/orders/${o.id}`}>{t.order(o.number)}</a>
              <span>{formatMoney(o.total, o.currency, lang)}</span>
            </div>
            <span className="muted">
              {t.statusNames[o.status]} · {new Date(o.createdAt).toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })}
            </span>
          </li>
        ))}
      </ul>
    </>
  )
}
