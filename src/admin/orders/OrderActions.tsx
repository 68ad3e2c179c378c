'use client'
// What can be done with an order, in its edit view, for those allowed to: assemble a paid one (the picked
// quantities typed in, the new total shown against what is held before confirming), cancel it with a
// reason for the buyer, or go to the pickup desk to hand a ready one over (that needs the buyer's code).
import { Button, toast, useAuth, useConfig, useDocumentInfo } from '@payloadcms/ui'
import { useEffect, useMemo, useState } from 'react'

import { storesOf, reachOf } from '../../shop/roles'
import { useApi, useShopT } from '../client'
import { lineTotal } from '../../lib/money'
import { maxPick } from '../../lib/picking'
import { formatMilli, toMilli } from '../../lib/quantity'
import { asLang, fitsUnit, formatMoney, formatQuantity, parseTypedQuantity, unitLabel } from '../../lib/units'

type Line = { id: number; product: string | { id: string }; name: string; unit: string; quantity: number; pickedQuantity: number | null; unitPrice: number }

export function OrderActions({ weightToleranceBp }: { weightToleranceBp: number }) {
  const { id, data } = useDocumentInfo()
  const { user } = useAuth()
  const { config } = useConfig()
  const { t, i18n } = useShopT()
  const lang = asLang(i18n.language)
  const call = useApi()
  const [lines, setLines] = useState<Line[]>([])
  const [picked, setPicked] = useState<Record<string, string>>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const [reason, setReason] = useState('')

  const status = String(data?.status ?? '')
  const currency = String(data?.currency ?? 'RUB')
  const authorized = Number(data?.authorized ?? 0)
  const store = Number(typeof data?.pickupPoint === 'object' && data?.pickupPoint ? (data.pickupPoint as { id: number }).id : data?.pickupPoint)
  const may = (capability: 'orders.assemble' | 'orders.cancel') => {
    const reach = reachOf((user as { role?: string } | null)?.role, capability)
    return reach === 'all' || (reach === 'ownStores' && storesOf(user as { stores?: unknown }).includes(store))
  }
  const canAssemble = status === 'paid' && may('orders.assemble')
  const canCancel = (status === 'paid' || status === 'ready') && may('orders.cancel')

  useEffect(() => {
    if (!id || !canAssemble) return
    void call<{ docs: Line[] }>(`/order-lines?where[order][equals]=${id}&limit=200&depth=0&sort=product`).then((res) => {
      if (!res.ok) return
      setLines(res.body.docs)
      setPicked(Object.fromEntries(res.body.docs.map((l) => [sku(l), String(l.quantity).replace('.', lang === 'ru' ? ',' : '.')])))
    })
  }, [id, canAssemble, call, lang])

  // The new total as the buyer will pay it: each line's picked quantity × its price, rounded half up.
  const preview = useMemo(() => {
    let total = 0
    const problems: Record<string, string> = {}
    for (const line of lines) {
      const value = parseTypedQuantity(picked[sku(line)] ?? '')
      const milli = value === null ? null : toMilli(value)
      const max = maxPick(line.unit, toMilli(line.quantity)!, weightToleranceBp)
      if (milli === null) problems[sku(line)] = t('shop:invalidQuantity')
      else if (!fitsUnit(line.unit, milli)) problems[sku(line)] = t('shop:wholePieces')
      else if (milli > max) problems[sku(line)] = t('shop:maxPick', { max: formatQuantity(Number(formatMilli(max)), line.unit, lang) })
      else total += lineTotal(line.unitPrice, milli)
    }
    return { total, problems }
  }, [lines, picked, weightToleranceBp, t, lang])

  if (!id || (!canAssemble && !canCancel && status !== 'ready')) return null

  async function ready() {
    setBusy(true)
    setErrors({})
    try {
      const changed = lines
        .map((l) => ({ sku: sku(l), quantity: parseTypedQuantity(picked[sku(l)] ?? '')! }))
        .filter((p, i) => p.quantity !== lines[i]!.quantity)
      const res = await call<{ order: { number: string; status: string } }>(`/orders/${id}/ready`, 'POST', { lines: changed })
      if (res.ok) {
        toast.success(res.body.order.status === 'ready' ? t('shop:readyDone', { number: res.body.order.number }) : t('shop:cancelled', { number: res.body.order.number }))
        window.location.reload()
        return
      }
      const error = res.body.errors?.[0]
      const line = String(error?.data?.sku ?? '')
      setErrors(line ? { [line]: error?.message ?? '' } : { '': error?.message ?? String(res.status) })
      toast.error(t('shop:failed', { message: error?.message ?? String(res.status) }))
    } finally {
      setBusy(false)
    }
  }

  async function cancel() {
    setBusy(true)
    try {
      const res = await call<{ order: { number: string } }>(`/orders/${id}/cancel`, 'POST', reason.trim() ? { reason: reason.trim() } : {})
      if (res.ok) {
        toast.success(t('shop:cancelled', { number: res.body.order.number }))
        window.location.reload()
      } else {
        toast.error(t('shop:failed', { message: res.body.errors?.[0]?.message ?? String(res.status) }))
      }
    } finally {
      setBusy(false)
    }
  }

  const hasProblems = Object.keys(preview.problems).length > 0
  return (
    <section className="order-actions" id="assembly">
      {canAssemble && (
        <div className="order-actions__assembly" role="group" aria-label={t('shop:assembly')}>
          <h3>{t('shop:assembly')}</h3>
          <p className="order-actions__help">{t('shop:assemblyHelp')}</p>
          <table>
            <thead>
              <tr>
                <th>{t('shop:product')}</th>
                <th>{t('shop:ordered')}</th>
                <th>{t('shop:picked')}</th>
                <th>{t('shop:lineTotal')}</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => {
                const key = sku(line)
                const value = parseTypedQuantity(picked[key] ?? '')
                const milli = value === null ? null : toMilli(value)
                return (
                  <tr key={key} data-sku={key}>
                    <td>{line.name}</td>
                    <td>{formatQuantity(line.quantity, line.unit, lang)}</td>
                    <td>
                      <label>
                        <span className="sr-only">{`${t('shop:picked')} ${line.name}`}</span>
                        <input
                          name={`picked-${key}`}
                          aria-label={`${t('shop:picked')}: ${line.name}`}
                          inputMode="decimal"
                          value={picked[key] ?? ''}
                          onChange={(e) => setPicked((p) => ({ ...p, [key]: e.target.value }))}
                        />{' '}
                        {unitLabel(line.unit, lang)}
                      </label>
                      {(preview.problems[key] || errors[key]) && (
                        <div className="order-actions__error" role="alert">
                          {preview.problems[key] ?? errors[key]}
                        </div>
                      )}
                    </td>
                    <td>{milli === null ? '—' : formatMoney(lineTotal(line.unitPrice, milli), currency, lang)}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          <p className="order-actions__total" data-testid="assembly-total">
            {t('shop:newTotal')}: <strong>{formatMoney(preview.total, currency, lang)}</strong>{' '}
            <span className={preview.total > authorized ? 'order-actions__error' : 'order-actions__fine'}>
              ({t(preview.total > authorized ? 'shop:aboveHold' : 'shop:withinHold', { held: formatMoney(authorized, currency, lang) })})
            </span>
          </p>
          {errors[''] && (
            <p className="order-actions__error" role="alert">
              {errors['']}
            </p>
          )}
          <Button buttonStyle="primary" disabled={busy || lines.length === 0 || hasProblems || preview.total > authorized} onClick={() => void ready()}>
            {t('shop:markReady')}
          </Button>
        </div>
      )}
      {status === 'ready' && may('orders.assemble') && (
        <p>
          <a className="btn btn--style-secondary btn--size-medium" href={`${config.routes.admin}/pickup`}>
            {t('shop:goToPickupDesk')}
          </a>
        </p>
      )}
      {canCancel && (
        <div className="order-actions__cancel" role="group" aria-label={t('shop:cancelOrder')}>
          <label>
            {t('shop:cancelReason')}
            <input name="cancel-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </label>
          <Button buttonStyle="secondary" disabled={busy} onClick={() => void cancel()}>
            {t('shop:cancelOrder')}
          </Button>
        </div>
      )}
    </section>
  )
}

const sku = (line: Line) => (typeof line.product === 'object' ? line.product.id : line.product)
