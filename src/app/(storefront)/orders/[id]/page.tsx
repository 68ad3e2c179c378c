// An order: its number, the QR code and the code under it, the status timeline, what was weighed and
// charged; it refreshes by itself until the order is collected or cancelled; cancel while allowed.
import type { Metadata } from 'next'
import { notFound, redirect } from 'next/navigation'

import { formatMoney, formatQuantity, unitLabel } from '../../../../lib/units'
import { Refresh } from '../../_components/Refresh'
import { cancelOrder } from '../../_lib/actions'
import { messagesFor } from '../../_lib/messages'
import { shop } from '../../_lib/shop'

export const metadata: Metadata = { title: 'Заказ · Order' }

const STEPS = ['paid', 'ready', 'collected'] as const

export default async function OrderPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ placed?: string; timeout?: string; error?: string }> }) {
  const id = Number((await params).id)
  const { api, lang, token } = await shop()
  if (!token) redirect(`/login?next=/orders/${id}`)
  if (!Number.isSafeInteger(id) || id <= 0) notFound()
  const t = messagesFor(lang)
  const state = await searchParams
  const [found, qr] = await Promise.all([
    api.GET('/orders/{id}', { params: { path: { id } } }),
    api.GET('/orders/{id}/qr', { params: { path: { id } }, parseAs: 'arrayBuffer' }),
  ])
  if (found.response.status === 403) redirect(`/login?next=/orders/${id}`)
  const order = found.data
  if (!order) notFound()
  const money = (minor: number) => formatMoney(minor, order.currency, lang)
  const lines = (order.lines?.docs ?? []).flatMap((l) => (typeof l === 'object' ? [l] : []))
  const settled = order.status === 'collected' || order.status === 'cancelled'
  const assembled = order.captured !== null && order.captured !== undefined
  const pickup = typeof order.pickupPoint === 'object' ? order.pickupPoint : null
  const qrSrc = qr.data ? `data:image/png;base64,${Buffer.from(qr.data as ArrayBuffer).toString('base64')}` : null
  const reached = order.status === 'cancelled' ? -1 : STEPS.indexOf(order.status as (typeof STEPS)[number])
  return (
    <>
      <h1>{t.order(order.number)}</h1>
      {settled ? null : <Refresh seconds={10} />}
      {state.placed ? <p className="notice" role="status">{t.orderPlaced}</p> : null}
      {state.timeout ? <p className="notice warn" role="status">{t.timeout}</p> : null}
      {state.error ? <p className="notice error" role="alert">{t.somethingWrong}</p> : null}
      <p>
        {t.status}: <strong data-status={order.status}>{t.statusNames[order.status]}</strong>
        {order.cancelReason ? <span> · {t.cancelReason}: {order.cancelReason}</span> : null}
      </p>
      {order.status !== 'cancelled' ? (
        <ol className="timeline" aria-label={t.timeline}>
          {STEPS.map((step, i) => (
            <li key={step} aria-current={i === reached ? 'step' : undefined}>{t.statusNames[step]}</li>
          ))}
        </ol>
      ) : null}
      {pickup ? <p>{t.pickupPoint}: {pickup.name}, {pickup.address}</p> : null}
      {qrSrc && order.pickupCode && (order.status === 'paid' || order.status === 'ready') ? (
        <div className="qr">
          <p>{t.showCode}</p>
          <img src={qrSrc} width={240} height={240} alt={`QR: ${order.pickupCode}`} />
          <p className="code">{order.pickupCode}</p>
        </div>
      ) : null}
      <div className="table-wrap" role="region" aria-label={t.lines} tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.product}</th>
            <th scope="col" className="num">{t.ordered}</th>
            <th scope="col" className="num">{t.weighed}</th>
            <th scope="col" className="num">{t.total}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.id}>
              <td>{l.name} <span className="muted">({t.perUnit(money(l.unitPrice), unitLabel(l.unit, lang))})</span></td>
              <td className="num">{formatQuantity(l.quantity, l.unit, lang)}</td>
              <td className="num">{l.pickedQuantity === null || l.pickedQuantity === undefined ? '—' : formatQuantity(l.pickedQuantity, l.unit, lang)}</td>
              <td className="num">{money(l.lineTotal)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <dl className="totals-list">
        <dt>{assembled ? t.total : t.approxTotal}</dt>
        <dd data-total>{money(order.total)}</dd>
        <dt>{t.held}</dt>
        <dd>{money(order.authorized)}</dd>
        {assembled ? (
          <>
            <dt>{t.charged}</dt>
            <dd>{money(order.captured!)}</dd>
            <dt>{t.released}</dt>
            <dd>{money(order.authorized - order.captured!)}</dd>
          </>
        ) : null}
        {order.refunded > 0 ? (
          <>
            <dt>{t.refunded}</dt>
            <dd>{money(order.refunded)}</dd>
          </>
        ) : null}
      </dl>
      {order.status === 'paid' ? (
        <form action={cancelOrder}>
          <input type="hidden" name="id" value={order.id} />
          <button type="submit" className="danger">{t.cancelOrder}</button>
        </form>
      ) : null}
    </>
  )
}
