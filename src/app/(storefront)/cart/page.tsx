// The cart: quantities in each product's step, remove, what the chosen pickup point lacks, the total and,
// for weighed goods, what may be held on the card.
import type { Metadata } from 'next'
import { redirect } from 'next/navigation'

import { formatMoney, formatQuantity, unitLabel } from '../../../lib/units'
import { PickupPointPicker } from '../_components/PickupPoint'
import { Stepper } from '../_components/Stepper'
import { changeCartLine } from '../_lib/actions'
import { lineSummary } from '../_lib/format'
import { messagesFor } from '../_lib/messages'
import { shop } from '../_lib/shop'

export const metadata: Metadata = { title: 'Корзина · Cart' }


export default async function CartPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { api, lang, token, store } = await shop()
  if (!token) redirect('/login?next=/cart')
  const t = messagesFor(lang)
  const { error } = await searchParams
  const [atStore, points] = await Promise.all([api.GET('/cart', { params: { query: store ? { store } : {} } }), api.GET('/stores', { params: { query: { limit: 100, depth: 0, sort: 'name' } } })])
  if (atStore.response.status === 401) redirect('/login?next=/cart')
  const cart = atStore.data ?? (await api.GET('/cart', { params: { query: {} } })).data
  if (!cart) throw new Error(`The cart did not load: ${atStore.response.status}`)
  const hasPoint = Boolean(atStore.data && store)
  const weighed = cart.items.some((l) => l.weighed)
  return (
    <>
      <h1>{t.cart}</h1>
      {error ? <p className="notice error" role="alert">{t.somethingWrong}</p> : null}
      {cart.items.length === 0 ? (
        <p>
          {t.emptyCart} <a href="/">{t.toCatalogue}</a>
        </p>
      ) : (
        <>
          <PickupPointPicker points={points.data?.docs ?? []} current={hasPoint ? store : undefined} t={t} back="/cart" />
          <ul className="lines">
            {cart.items.map((line) => {
              const short = hasPoint && line.availableAtStore !== undefined && line.availableAtStore < line.quantity
              return (
                <li key={line.sku} className="line">
                  <div className="row">
                    <a href={`/p/${encodeURIComponent(line.sku)}`}>{line.name}</a>
                    <span className="muted">{t.perUnit(formatMoney(line.unitPrice, cart.currency, lang), unitLabel(line.unit, lang))}</span>
                  </div>
                  <p className="price">{lineSummary(line, cart.currency, lang, t.about)}</p>
                  {!line.available ? <p className="stock none">{t.offSale}</p> : null}
                  {short ? <p className="stock none">{t.shortHere(formatQuantity(line.availableAtStore!, line.unit, lang))}</p> : null}
                  <div className="row">
                    <form action={changeCartLine} className="row">
                      <input type="hidden" name="sku" value={line.sku} />
                      <Stepper
                        id={`q-${line.sku}`}
                        name="quantity"
                        step={line.quantityStep}
                        initial={line.quantity}
                        label={`${t.quantity}: ${line.name}`}
                        unit={unitLabel(line.unit, lang)}
                        decrease={t.decrease(formatQuantity(line.quantityStep, line.unit, lang))}
                        increase={t.increase(formatQuantity(line.quantityStep, line.unit, lang))}
                      />
                      <button type="submit" className="secondary">{t.save}</button>
                    </form>
                    <form action={changeCartLine}>
                      <input type="hidden" name="sku" value={line.sku} />
                      <input type="hidden" name="quantity" value="0" />
                      <button type="submit" name="remove" value="1" className="link" aria-label={`${t.remove}: ${line.name}`}>{t.remove}</button>
                    </form>
                  </div>
                </li>
              )
            })}
          </ul>
          <p className="totals">
            <span>{weighed ? t.approxTotal : t.total}</span>
            <span>{formatMoney(cart.total, cart.currency, lang)}</span>
          </p>
          {weighed ? <p className="notice warn">{t.weighedNote} {t.holdNote(formatMoney(cart.hold, cart.currency, lang))}</p> : null}
          <a className="button" href="/checkout">{t.checkout}</a>
        </>
      )}
    </>
  )
}
