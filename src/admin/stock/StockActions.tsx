'use client'
// The stock row's numbers and its operations in the panel: receive, count, write off, and the low-stock
// threshold (./stockForms.ts). Each form calls its REST operation (the same the API documents) with an
// Idempotency-Key, so a double click or a retry after a lost answer applies once; the numbers come from
// the answer, and the view is loaded anew for the movement (see reloadView).
import type { UIFieldClientComponent } from 'payload'
import { toast, useDocumentInfo } from '@payloadcms/ui'
import { useEffect, useState } from 'react'

import { asLang, formatQuantity } from '../../lib/units'
import { refusalText, reloadView, useApi, useShopT } from '../client'
import { requestOf, STOCK_FORMS, type StockOperation } from './stockForms'
import { StockForm } from './StockForm'

type Numbers = { onHand?: number; reserved?: number; available?: number; lowStockThreshold?: number | null }
const newKey = () => (globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`).slice(0, 64)

export const StockActions: UIFieldClientComponent = () => {
  const { id, data } = useDocumentInfo()
  const { t, i18n } = useShopT()
  const lang = asLang(i18n.language)
  const call = useApi()
  const [numbers, setNumbers] = useState<Numbers>(data ?? {})
  useEffect(() => setNumbers(data ?? {}), [data])
  const [busy, setBusy] = useState<StockOperation | null>(null)
  const [refusals, setRefusals] = useState<Partial<Record<StockOperation, string>>>({})
  // One key per intended change: a retry of the same form sends the same key; a success starts a new one.
  const [keys, setKeys] = useState(() => Object.fromEntries(STOCK_FORMS.map((f) => [f.operation, newKey()])) as Record<StockOperation, string>)
  const unit = useProductUnit(data?.product)

  if (!id) return null
  const show = (value: unknown) => (typeof value === 'number' ? formatQuantity(value, unit ?? '', lang) : '—')

  async function submit(operation: StockOperation, body: Record<string, unknown>) {
    setBusy(operation)
    setRefusals((r) => ({ ...r, [operation]: undefined }))
    try {
      const { path, method } = requestOf(operation, id!)
      const answer = await call<{ doc: Numbers }>(path, method, body, { 'Idempotency-Key': keys[operation] })
      if (!answer.ok) {
        const message = refusalText(t, answer, operation === 'write-off' ? { 409: 'shop:moreThanOnHand' } : {})
        setRefusals((r) => ({ ...r, [operation]: message }))
        return void toast.error(message)
      }
      setKeys((k) => ({ ...k, [operation]: newKey() }))
      setNumbers((n) => ({ ...n, ...answer.body.doc }))
      toast.success(t('shop:done', { what: t(STOCK_FORMS.find((f) => f.operation === operation)!.title) }))
      reloadView()
    } finally {
      setBusy(null)
    }
  }

  const threshold = typeof data?.lowStockThreshold === 'number' ? String(data.lowStockThreshold).replace('.', lang === 'ru' ? ',' : '.') : ''
  return (
    <section className="stock-actions" aria-label={t('shop:stockOperations')}>
      <dl className="stock-actions__numbers">
        {(['onHand', 'reserved', 'available'] as const).map((name) => (
          <div key={name} className={name === 'available' && (numbers.available ?? 0) < 0 ? 'stock-actions__shortfall' : undefined}>
            <dt>{t(`shop:${name}`)}</dt>
            <dd data-testid={`stock-${name === 'onHand' ? 'on-hand' : name}`}>{show(numbers[name])}</dd>
          </div>
        ))}
      </dl>
      <h3>{t('shop:stockOperations')}</h3>
      <p className="stock-actions__help">{t('shop:stockOperationsHelp')}</p>
      <div className="stock-actions__forms">
        {STOCK_FORMS.map((spec) => (
          <StockForm key={spec.operation} spec={spec} unit={unit} busy={busy !== null} refusal={refusals[spec.operation]} initial={spec.operation === 'threshold' ? { threshold } : {}} onSubmit={(body) => void submit(spec.operation, body)} />
        ))}
      </div>
    </section>
  )
}

/** The unit of the row's product (null until known): quantities are checked and shown in it. */
function useProductUnit(product: unknown): string | null {
  const call = useApi()
  const [unit, setUnit] = useState<string | null>(null)
  const productId = product && typeof product === 'object' ? (product as { id?: unknown }).id : product
  useEffect(() => {
    if (!productId) return
    void call<{ unit?: string }>(`/products/${encodeURIComponent(String(productId))}?depth=0&select[unit]=true`)
      .then((answer) => setUnit(answer.body.unit ?? ''))
      .catch(() => setUnit(''))
  }, [productId, call])
  return unit
}
