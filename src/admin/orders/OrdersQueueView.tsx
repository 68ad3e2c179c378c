// /admin/orders-queue: what a clerk's pickup points have to do: paid orders to assemble (oldest first) and
// ready ones waiting for their buyers (with how long, and when the pickup hold ends).
import type { AdminViewServerProps, PayloadRequest } from 'payload'
import type { ReactNode } from 'react'

import { env } from '../../env'
import { shopT } from '../../i18n/adminTranslations'
import { asLang, formatMoney } from '../../lib/units'
import { span } from '../time'
import { ShopView } from '../ShopView'
import { guardView } from '../views'

const ordersIn = async (req: PayloadRequest, status: 'paid' | 'ready') =>
  (
    await req.payload.find({
      collection: 'orders',
      where: { status: { equals: status } },
      sort: status === 'paid' ? 'paidAt' : 'readyAt',
      depth: 1,
      limit: 200,
      overrideAccess: false, // staff: their pickup points only
      req,
      select: { number: true, total: true, currency: true, paidAt: true, readyAt: true, pickupPoint: true },
    })
  ).docs

type Row = Awaited<ReturnType<typeof ordersIn>>[number]

export async function OrdersQueueView(props: AdminViewServerProps) {
  const { req } = props.initPageResult
  guardView(req, 'orders.assemble', '/orders-queue')
  const t = shopT(req.i18n)
  const lang = asLang(req.i18n.language)
  const [toAssemble, waiting] = await Promise.all([ordersIn(req, 'paid'), ordersIn(req, 'ready')])
  const now = Date.now()
  const admin = req.payload.config.routes.admin
  const common = (o: Row) => [typeof o.pickupPoint === 'object' ? o.pickupPoint.name : '', formatMoney(o.total, o.currency, lang)]
  const headers = [t('shop:order'), t('shop:pickupPoint'), t('shop:total'), t('shop:when')]
  const since = (o: Row) => (o.readyAt ? Date.parse(o.readyAt) : now)
  const assemble = toAssemble.map((o) => ({
    order: o,
    cells: [
      ...common(o),
      o.paidAt ? t('shop:paidAgo', { time: span(now - Date.parse(o.paidAt), t) }) : '',
      <a key="assemble" className="btn btn--style-primary btn--size-small" href={`${admin}/collections/orders/${o.id}#assembly`}>
        {t('shop:assemble')}
      </a>,
    ],
  }))
  const wait = waiting.map((o) => ({
    order: o,
    cells: [...common(o), t('shop:waitingFor', { time: span(now - since(o), t) }), t('shop:holdEnds', { time: span(since(o) + env.pickupHoldMs - now, t) })],
  }))
  return (
    <ShopView view={props} title={t('shop:ordersQueue')}>
      <Queue id="to-assemble" title={`${t('shop:toAssemble')} (${assemble.length})`} empty={t('shop:nothingToAssemble')} headers={[...headers, t('shop:action')]} admin={admin} rows={assemble} />
      <Queue id="waiting" title={`${t('shop:waitingForBuyer')} (${wait.length})`} empty={t('shop:nobodyWaiting')} headers={[...headers, t('shop:pickupHold')]} admin={admin} rows={wait} />
    </ShopView>
  )
}

type QueueProps = { id: string; title: string; empty: string; headers: string[]; admin: string; rows: Array<{ order: Row; cells: ReactNode[] }> }

/** One queue: a heading, and a table of its orders (the number, a link to the order, heads its row). */
function Queue({ id, title, empty, headers, admin, rows }: QueueProps) {
  return (
    <section className="shop-block" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <table className="orders-queue">
          <thead>
            <tr>
              {headers.map((header) => (
                <th key={header} scope="col">{header}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ order, cells }) => (
              <tr key={order.id} data-order={order.number}>
                <th scope="row">
                  <a href={`${admin}/collections/orders/${order.id}`}>{order.number}</a>
                </th>
                {cells.map((cell, i) => (
                  <td key={i}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
