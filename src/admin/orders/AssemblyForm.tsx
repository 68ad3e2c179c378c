'use client'
// Assembling a paid order: the picked quantities typed in (weighed goods as weighed), the new total shown
// against what is held, then "ready": the shop captures the new total and tells the buyer.
import { Button, toast } from '@payloadcms/ui'
import { useEffect, useMemo, useState } from 'react'

import { asLang, formatMoney } from '../../lib/units'
import { refusalText, reloadView, useApi, useShopT } from '../client'
import { type AssemblyLine, assemblyPreview, changedPicks, skuOf } from './assembly'
import { AssemblyRow } from './AssemblyRow'

type Props = { orderId: string | number; currency: string; authorized: number; toleranceBp: number }

export function AssemblyForm({ orderId, currency, authorized, toleranceBp }: Props) {
  const { t, i18n } = useShopT()
  const lang = asLang(i18n.language)
  const call = useApi()
  const [lines, setLines] = useState<AssemblyLine[]>([])
  const [picked, setPicked] = useState<Record<string, string>>({})
  const [refusal, setRefusal] = useState<{ sku: string; text: string } | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    void call<{ docs: AssemblyLine[] }>(`/order-lines?where[order][equals]=${orderId}&limit=200&depth=0&sort=product`).then((answer) => {
      if (!answer.ok) return
      setLines(answer.body.docs)
      setPicked(Object.fromEntries(answer.body.docs.map((l) => [skuOf(l), String(l.quantity).replace('.', lang === 'ru' ? ',' : '.')])))
    })
  }, [orderId, call, lang])
  const preview = useMemo(() => assemblyPreview(lines, picked, toleranceBp), [lines, picked, toleranceBp])

  async function ready() {
    setBusy(true)
    setRefusal(null)
    try {
      const answer = await call<{ order: { number: string; status: string } }>(`/orders/${orderId}/ready`, 'POST', { lines: changedPicks(lines, picked) })
      if (answer.ok) {
        const { number, status } = answer.body.order
        toast.success(t(status === 'ready' ? 'shop:readyDone' : 'shop:cancelled', { number }))
        return reloadView()
      }
      const text = refusalText(t, answer)
      setRefusal({ sku: String(answer.body.errors?.[0]?.data?.sku ?? ''), text })
      toast.error(text)
    } finally {
      setBusy(false)
    }
  }

  const overHold = preview.total > authorized
  const blocked = busy || lines.length === 0 || Object.keys(preview.problems).length > 0 || overHold
  return (
    <div className="order-actions__assembly" role="group" aria-label={t('shop:assembly')}>
      <h3>{t('shop:assembly')}</h3>
      <p className="order-actions__help">{t('shop:assemblyHelp')}</p>
      <table>
        <thead>
          <tr>
            {(['shop:product', 'shop:ordered', 'shop:picked', 'shop:lineTotal'] as const).map((key) => (
              <th key={key} scope="col">{t(key)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <AssemblyRow key={skuOf(line)} line={line} typed={picked[skuOf(line)] ?? ''} currency={currency} toleranceBp={toleranceBp} problem={preview.problems[skuOf(line)]} refusal={refusal?.sku === skuOf(line) ? refusal.text : undefined} onType={(value) => setPicked((p) => ({ ...p, [skuOf(line)]: value }))} />
          ))}
        </tbody>
      </table>
      <p className="order-actions__total" data-testid="assembly-total">
        {t('shop:newTotal')}: <strong>{formatMoney(preview.total, currency, lang)}</strong>{' '}
        <span className={overHold ? 'order-actions__error' : 'order-actions__fine'}>({t(overHold ? 'shop:aboveHold' : 'shop:withinHold', { held: formatMoney(authorized, currency, lang) })})</span>
      </p>
      {refusal?.sku === '' && (
        <p className="order-actions__error" role="alert">
          {refusal.text}
        </p>
      )}
      <Button buttonStyle="primary" disabled={blocked} onClick={() => void ready()}>
        {t('shop:markReady')}
      </Button>
    </div>
  )
}
