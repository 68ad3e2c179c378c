// /admin/orders-queue: what a clerk's pickup points have to do: paid orders to assemble (oldest first) and
// ready ones waiting for their buyers (with how long, and when the pickup hold ends).
import type { AdminViewServerProps, PayloadRequest } from 'payload'

import { env } from '../../env'
import { shopT } from '../../i18n/adminTranslations'
import { asLang, formatMoney } from '../../lib/units'
import { span } from '../time'
import { ShopView } from '../ShopView'
import { guardView } from '../views'

type Row = { id: number; number: string; total: number; currency: string; paidAt?: string; readyAt?: string; pickupPoint: { name?: string } | number }

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
  ).docs as unknown as Row[]

export async function OrdersQueueView(props: AdminViewServerProps) {
  const { req } = props.initPageResult
  guardView(req, 'orders.assemble', '/orders-queue')
  const t = shopT(req.i18n)
  const lang = asLang(req.i18n.language)
  const [toAssemble, waiting] = await Promise.all([ordersIn(req, 'paid'), ordersIn(req, 'ready')])
  const now = Date.now()
  const admin = req.payload.config.routes.admin
  const storeName = (o: Row) => (typeof o.pickupPoint === 'object' ? o.pickupPoint.name : '')
  const link = (o: Row) => <a href={`${admin}/collections/orders/${o.id}`}>{o.number}</a>
  return (
    <ShopView view={props} title={t('shop:ordersQueue')}>
      <section className="shop-block" aria-labelledby="to-assemble">
        <h2 id="to-assemble">
          {t('shop:toAssemble')} ({toAssemble.length})
        </h2>
        {toAssemble.length === 0 ? (
          <p>{t('shop:nothingToAssemble')}</p>
        ) : (
          <table className="orders-queue">
            <tbody>
              {toAssemble.map((o) => (
                <tr key={o.id} data-order={o.number}>
                  <td>{link(o)}</td>
                  <td>{storeName(o)}</td>
                  <td>{formatMoney(o.total, o.currency, lang)}</td>
                  <td>{o.paidAt ? t('shop:paidAgo', { time: span(now - Date.parse(o.paidAt), t) }) : ''}</td>
                  <td>
                    <a className="btn btn--style-primary btn--size-small" href={`${admin}/collections/orders/${o.id}#assembly`}>
                      {t('shop:assemble')}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="shop-block" aria-labelledby="waiting">
        <h2 id="waiting">
          {t('shop:waitingForBuyer')} ({waiting.length})
        </h2>
        {waiting.length === 0 ? (
          <p>{t('shop:nobodyWaiting')}</p>
        ) : (
          <table className="orders-queue">
            <tbody>
              {waiting.map((o) => {
                const since = o.readyAt ? Date.parse(o.readyAt) : now
                return (
                  <tr key={o.id} data-order={o.number}>
                    <td>{link(o)}</td>
                    <td>{storeName(o)}</td>
                    <td>{formatMoney(o.total, o.currency, lang)}</td>
                    <td>{t('shop:waitingFor', { time: span(now - since, t) })}</td>
                    <td>{t('shop:holdEnds', { time: span(since + env.pickupHoldMs - now, t) })}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
      </section>
    </ShopView>
  )
}
