'use client'
// The stock row's operations in the panel: receive, count, write off, and the low-stock threshold. Each
// form calls its REST operation (the same the API documents) with an Idempotency-Key, so a double click
// or a retry after a lost answer applies once; the page reloads to show the new numbers and movement.
import type { UIFieldClientComponent } from 'payload'
import { Button, toast, useConfig, useDocumentInfo, useTranslation } from '@payloadcms/ui'
import { formatAdminURL } from 'payload/shared'
import { type KeyboardEvent, type MouseEvent, useEffect, useState } from 'react'

import type { AdminTranslationKeys, AdminTranslations } from '../../i18n/adminTranslations'
import { toMilli } from '../../lib/quantity'
import { asLang, fitsUnit, formatQuantity, parseTypedQuantity } from '../../lib/units'
import { WRITE_OFF_REASONS } from '../../shop/rules'

type Operation = 'receive' | 'count' | 'write-off' | 'threshold'

const newKey = () => (globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`).slice(0, 64)

export const StockActions: UIFieldClientComponent = () => {
  const { id, data } = useDocumentInfo()
  const { config } = useConfig()
  const { t, i18n } = useTranslation<AdminTranslations, AdminTranslationKeys>()
  const lang = asLang(i18n.language)
  const [busy, setBusy] = useState<Operation | null>(null)
  const [errors, setErrors] = useState<Partial<Record<Operation, string>>>({})
  // One key per intended change: a retry of the same form sends the same key; a success starts a new one.
  const [keys, setKeys] = useState<Record<Operation, string>>(() => ({ receive: newKey(), count: newKey(), 'write-off': newKey(), threshold: newKey() }))
  const [unit, setUnit] = useState<string | null>(null)
  const productId = typeof data?.product === 'object' && data?.product ? data.product.id : data?.product

  useEffect(() => {
    if (!productId) return
    const url = formatAdminURL({ apiRoute: config.routes.api, serverURL: config.serverURL, path: `/products/${encodeURIComponent(String(productId))}?depth=0&select[unit]=true` })
    fetch(url, { credentials: 'include' })
      .then((r) => r.json())
      .then((p: { unit?: string }) => setUnit(p.unit ?? ''))
      .catch(() => setUnit(''))
  }, [productId, config.routes.api, config.serverURL])

  if (!id) return null
  const show = (value: unknown) => (typeof value === 'number' ? formatQuantity(value, unit ?? '', lang) : '—')

  async function submit(operation: Operation, body: Record<string, unknown>) {
    setBusy(operation)
    setErrors((e) => ({ ...e, [operation]: undefined }))
    try {
      const path: `/${string}` = operation === 'threshold' ? `/stock/${id}` : `/stock/${id}/${operation}`
      const res = await fetch(formatAdminURL({ apiRoute: config.routes.api, serverURL: config.serverURL, path }), {
        method: operation === 'threshold' ? 'PATCH' : 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': keys[operation], 'Accept-Language': i18n.language },
        body: JSON.stringify(body),
      })
      if (!res.ok) {
        const answer = (await res.json().catch(() => null)) as { errors?: Array<{ message?: string }> } | null
        const message =
          res.status === 409 && operation === 'write-off'
            ? t('shop:moreThanOnHand')
            : res.status === 403
              ? t('shop:notAllowed')
              : (answer?.errors?.[0]?.message ?? res.statusText)
        setErrors((e) => ({ ...e, [operation]: message }))
        toast.error(t('shop:failed', { message }))
        return
      }
      setKeys((k) => ({ ...k, [operation]: newKey() }))
      toast.success(t('shop:done', { what: label(operation) }))
      // The movements table keeps its own rows; a reload shows the new one with the new numbers.
      window.location.reload()
    } finally {
      setBusy(null)
    }
  }

  const label = (operation: Operation) =>
    ({ receive: t('shop:receive'), count: t('shop:count'), 'write-off': t('shop:writeOff'), threshold: t('shop:threshold') })[operation]

  /** What is typed into the named input of a block. */
  const valueOf = (block: HTMLElement, name: string) => (block.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value ?? '').trim()

  /** The quantity typed into `field`, or an error shown beside that block. */
  function quantityFrom(block: HTMLElement, field: string, operation: Operation, { allowZero = false } = {}): number | null {
    const value = parseTypedQuantity(valueOf(block, field))
    const error =
      value === null
        ? t('shop:invalidQuantity')
        : !allowZero && value === 0
          ? t('shop:positiveQuantity')
          : unit !== null && !fitsUnit(unit, toMilli(value)!)
            ? t('shop:wholePieces')
            : undefined
    setErrors((e) => ({ ...e, [operation]: error }))
    return error ? null : value
  }
  const noteOf = (block: HTMLElement) => {
    const note = valueOf(block, 'note')
    return note ? { note } : {}
  }

  // Blocks, not <form>s: the panel's edit view is itself a form, and a form inside a form is dropped by
  // the browser (its submit would go to the document's form).
  const act: Record<Operation, (block: HTMLElement) => void> = {
    receive: (block) => {
      const quantity = quantityFrom(block, 'quantity', 'receive')
      if (quantity !== null) void submit('receive', { quantity, ...noteOf(block) })
    },
    count: (block) => {
      const onHand = quantityFrom(block, 'onHand', 'count', { allowZero: true })
      if (onHand !== null) void submit('count', { onHand, ...noteOf(block) })
    },
    'write-off': (block) => {
      const quantity = quantityFrom(block, 'quantity', 'write-off')
      if (quantity !== null) void submit('write-off', { quantity, reason: valueOf(block, 'reason') || 'other', ...noteOf(block) })
    },
    threshold: (block) => {
      if (valueOf(block, 'threshold') === '') return void submit('threshold', { lowStockThreshold: null })
      const value = quantityFrom(block, 'threshold', 'threshold', { allowZero: true })
      if (value !== null) void submit('threshold', { lowStockThreshold: value })
    },
  }
  const blockOf = (target: EventTarget) => (target as HTMLElement).closest<HTMLElement>('[data-operation]')!
  const onClick = (operation: Operation) => (event: MouseEvent) => {
    event.preventDefault()
    if (busy === null) act[operation](blockOf(event.currentTarget))
  }
  /** Enter in an input does what the block's button does (and never submits the document's form). */
  const onKeyDown = (operation: Operation) => (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Enter' || (event.target as HTMLElement).tagName === 'BUTTON') return
    event.preventDefault()
    if (busy === null) act[operation](event.currentTarget)
  }
  const blockProps = (operation: Operation) => ({ role: 'group', 'aria-label': label(operation), 'data-operation': operation, onKeyDown: onKeyDown(operation) })

  const error = (operation: Operation) =>
    errors[operation] ? (
      <p className="stock-actions__error" role="alert">
        {errors[operation]}
      </p>
    ) : null

  return (
    <section className="stock-actions" aria-label={t('shop:stockOperations')}>
      <div className="stock-actions__numbers">
        <div>
          <span>{t('shop:onHand')}</span>
          <strong data-testid="stock-on-hand">{show(data?.onHand)}</strong>
        </div>
        <div>
          <span>{t('shop:reserved')}</span>
          <strong data-testid="stock-reserved">{show(data?.reserved)}</strong>
        </div>
        <div className={typeof data?.available === 'number' && data.available < 0 ? 'stock-actions__shortfall' : undefined}>
          <span>{t('shop:available')}</span>
          <strong data-testid="stock-available">{show(data?.available)}</strong>
        </div>
      </div>
      <h3>{t('shop:stockOperations')}</h3>
      <p className="stock-actions__help">{t('shop:stockOperationsHelp')}</p>
      <div className="stock-actions__forms">
        <div {...blockProps('receive')}>
          <h4>{t('shop:receive')}</h4>
          <label>
            {t('shop:quantity')}
            <input name="quantity" inputMode="decimal" autoComplete="off" />
          </label>
          <label>
            {t('shop:note')}
            <input name="note" maxLength={500} autoComplete="off" />
          </label>
          {error('receive')}
          <Button type="button" buttonStyle="primary" size="small" disabled={busy !== null} onClick={onClick('receive')}>
            {t('shop:receiveButton')}
          </Button>
        </div>
        <div {...blockProps('count')}>
          <h4>{t('shop:count')}</h4>
          <label>
            {t('shop:counted')}
            <input name="onHand" inputMode="decimal" autoComplete="off" />
          </label>
          <label>
            {t('shop:note')}
            <input name="note" maxLength={500} autoComplete="off" />
          </label>
          <p className="stock-actions__help">{t('shop:countHelp')}</p>
          {error('count')}
          <Button type="button" buttonStyle="secondary" size="small" disabled={busy !== null} onClick={onClick('count')}>
            {t('shop:countButton')}
          </Button>
        </div>
        <div {...blockProps('write-off')}>
          <h4>{t('shop:writeOff')}</h4>
          <label>
            {t('shop:quantity')}
            <input name="quantity" inputMode="decimal" autoComplete="off" />
          </label>
          <label>
            {t('shop:reason')}
            <select name="reason" defaultValue="damaged">
              {WRITE_OFF_REASONS.map((reason) => (
                <option key={reason} value={reason}>
                  {t(`shop:reason${reason[0]!.toUpperCase()}${reason.slice(1)}` as AdminTranslationKeys)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('shop:note')}
            <input name="note" maxLength={500} autoComplete="off" />
          </label>
          {error('write-off')}
          <Button type="button" buttonStyle="secondary" size="small" disabled={busy !== null} onClick={onClick('write-off')}>
            {t('shop:writeOffButton')}
          </Button>
        </div>
        <div {...blockProps('threshold')}>
          <h4>{t('shop:threshold')}</h4>
          <label>
            {t('shop:lowStockThreshold')}
            <input
              name="threshold"
              inputMode="decimal"
              autoComplete="off"
              defaultValue={typeof data?.lowStockThreshold === 'number' ? String(data.lowStockThreshold).replace('.', lang === 'ru' ? ',' : '.') : ''}
            />
          </label>
          <p className="stock-actions__help">{t('shop:thresholdHelp')}</p>
          {error('threshold')}
          <Button type="button" buttonStyle="secondary" size="small" disabled={busy !== null} onClick={onClick('threshold')}>
            {t('shop:thresholdButton')}
          </Button>
        </div>
      </div>
    </section>
  )
}
