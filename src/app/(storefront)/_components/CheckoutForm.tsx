'use client'
// The checkout form: its answer (declined, short lines, a network failure) shown in words beside what the
// buyer typed, which stays. The attempt's Idempotency-Key comes back with each answer (see placeOrder).
import { useActionState } from 'react'

import { formatMoney, formatQuantity, type Lang } from '../../../lib/units'
import { type CheckoutState, placeOrder } from '../_lib/actions'
import { lineSummary } from '../_lib/format'
import { messagesFor } from '../_lib/messages'
import type { Answer } from '../_lib/types'

export type PointChoice = { id: number; name: string; address: string; hours: string | null; short: string[] }
type Cart = Answer<'/cart', 'get'>
type Values = Record<'store' | 'firstName' | 'lastName' | 'phone' | 'card', string>

const CARDS = [
  ['tok_visa', 'cardApproved'],
  ['tok_chargeDeclined', 'cardDeclined'],
  ['tok_insufficientFunds', 'cardNoFunds'],
  ['tok_timeout', 'cardTimeout'],
] as const

export function CheckoutForm({ lang, cart, points, initial, attemptKey, pricesChanged }: { lang: Lang; cart: Cart; points: PointChoice[]; initial: Values; attemptKey: string; pricesChanged: boolean }) {
  const t = messagesFor(lang)
  const [state, action, pending] = useActionState<CheckoutState, FormData>(placeOrder, { key: attemptKey, values: initial })
  const values = { ...initial, ...state.values } as Values
  const money = (minor: number) => formatMoney(minor, cart.currency, lang)
  const weighed = cart.items.some((l) => l.weighed)
  const message = state.error ? (state.error in t ? t[state.error as keyof typeof t] : state.error) : null
  return (
    <form action={action} className="form" aria-busy={pending}>
      <input type="hidden" name="key" value={state.key} />
      <input type="hidden" name="total" value={cart.total} />
      {pricesChanged && !message ? <p className="notice warn" role="alert">{t.pricesChanged}</p> : null}
      {message ? (
        <div className="notice error" role="alert">
          <p>{typeof message === 'string' ? message : t.somethingWrong}</p>
          {state.short ? (
            <ul>
              {state.short.map((l) => {
                const line = cart.items.find((i) => i.sku === l.sku)
                return <li key={l.sku}>{`${line?.name ?? l.sku}: ${formatQuantity(l.available, line?.unit ?? 'pcs', lang)}`}</li>
              })}
            </ul>
          ) : null}
        </div>
      ) : null}
      <fieldset>
        <legend>{t.cart}</legend>
        <ul className="lines">
          {cart.items.map((l) => (
            <li key={l.sku}>
              {l.name}: {lineSummary(l, cart.currency, lang, t.about)}
            </li>
          ))}
        </ul>
        <p className="totals">
          <span>{weighed ? t.approxTotal : t.total}</span>
          <span>{money(cart.total)}</span>
        </p>
        {weighed ? <p className="muted">{t.weighedNote} {t.holdNote(money(cart.hold))}</p> : null}
      </fieldset>
      <fieldset>
        <legend>{t.contact}</legend>
        <label htmlFor="firstName">{t.firstName}</label>
        <input id="firstName" name="firstName" autoComplete="given-name" required maxLength={100} defaultValue={values.firstName} key={`f${state.key}`} />
        <label htmlFor="lastName">{t.lastName}</label>
        <input id="lastName" name="lastName" autoComplete="family-name" required maxLength={100} defaultValue={values.lastName} key={`l${state.key}`} />
        <label htmlFor="phone">{t.phone}</label>
        <input id="phone" name="phone" type="tel" autoComplete="tel" required maxLength={32} defaultValue={values.phone} key={`p${state.key}`} />
      </fieldset>
      <fieldset>
        <legend>{t.pickupPoint}</legend>
        {points.map((p) => (
          <div key={p.id}>
            <label className="inline">
              <input type="radio" name="store" value={p.id} required defaultChecked={values.store === String(p.id)} aria-describedby={p.short.length ? `short-${p.id}` : undefined} />
              <span>
                {p.name}, {p.address}
                {p.hours ? <span className="muted"> · {p.hours}</span> : null}
              </span>
            </label>
            {p.short.length ? (
              <p id={`short-${p.id}`} className="stock none">
                {t.pointCannotServe} {p.short.join('; ')}
              </p>
            ) : null}
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t.payment}</legend>
        <p className="field-hint">{t.testCards}</p>
        {CARDS.map(([token, label]) => (
          <label key={token} className="inline">
            <input type="radio" name="card" value={token} defaultChecked={values.card === token} /> {t[label]} <code>{token}</code>
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={pending}>{weighed ? t.payWeighed(money(cart.hold)) : t.pay(money(cart.total))}</button>
    </form>
  )
}
