'use client'
// The pickup desk: the clerk scans the buyer's QR code with the device's camera (./useQrScanner.ts) or types
// the code, sees the order, and hands it over. Built for a phone at the counter as much as for a desktop.
import { Button, toast } from '@payloadcms/ui'
import { type FormEvent, useCallback, useState } from 'react'

import type { AdminTranslationKeys } from '../../i18n/adminTranslations'
import type { HandOverRefusal } from '../../shop/rules'
import { type ApiAnswer, refusalText, useApi, useShopT } from '../client'
import { type DeskOrder, PickupOrder } from './PickupOrder'
import { StorePicker } from './StorePicker'
import { useQrScanner } from './useQrScanner'

const REFUSALS: Record<HandOverRefusal | 'forged' | '404', AdminTranslationKeys> = {
  forged: 'shop:refusedForged',
  other_store: 'shop:refusedOtherStore',
  not_assembled: 'shop:refusedNotAssembled',
  collected: 'shop:refusedCollected',
  cancelled: 'shop:refusedCancelled',
  awaiting_payment: 'shop:refusedAwaitingPayment',
  404: 'shop:refusedUnknown',
}
type Store = { id: number; name: string }

export function PickupDesk({ stores, statusLabels }: { stores: Store[]; statusLabels: Record<string, string> }) {
  const { t } = useShopT()
  const call = useApi()
  const [store, setStore] = useState<number | ''>(stores.length === 1 ? stores[0]!.id : '')
  const [code, setCode] = useState('')
  const [order, setOrder] = useState<DeskOrder | null>(null)
  const [message, setMessage] = useState<{ kind: 'error' | 'done'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)

  const refused = useCallback((answer: ApiAnswer) => {
    const pickupPoint = answer.body.errors?.[0]?.data?.pickupPoint as { name?: string } | undefined
    setMessage({ kind: 'error', text: refusalText(t, answer, REFUSALS, { store: pickupPoint?.name ?? '' }) })
  }, [t])

  /** Asks the shop for `path` with the code (and the chosen store); the order on success, else the refusal shown. */
  const ask = useCallback(async (path: '/pickup/lookup' | '/pickup', value: string) => {
    setBusy(true)
    try {
      const answer = await call<{ order: DeskOrder }>(path, 'POST', { code: value.trim(), ...(store === '' ? {} : { store }) })
      if (!answer.ok) refused(answer)
      return answer.ok ? answer.body.order : null
    } finally {
      setBusy(false)
    }
  }, [call, refused, store])

  const lookup = useCallback(async (value: string) => {
    if (!value.trim()) return
    setMessage(null)
    setOrder(null)
    setOrder(await ask('/pickup/lookup', value))
  }, [ask])

  const scanner = useQrScanner(useCallback((found: string) => {
    setCode(found)
    void lookup(found)
  }, [lookup]))

  async function handOver() {
    if (!order || !(await ask('/pickup', code))) return
    const text = t('shop:handedOver', { number: order.number })
    setMessage({ kind: 'done', text })
    toast.success(text)
    setOrder(null)
    setCode('')
  }
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    void lookup(code)
  }

  return (
    <div className="pickup-desk">
      <p className="pickup-desk__help">{t('shop:pickupDeskHelp')}</p>
      <StorePicker stores={stores} value={store} onChange={setStore} />
      <Camera scanner={scanner} onStart={() => setMessage(null)} onUnavailable={() => setMessage({ kind: 'error', text: t('shop:cameraUnavailable') })} />
      <form className="pickup-desk__form" onSubmit={onSubmit}>
        <label className="pickup-desk__field">
          {t('shop:pickupCode')}
          <input name="code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" autoCapitalize="characters" spellCheck={false} {...(message?.kind === 'error' ? { 'aria-invalid': true, 'aria-describedby': 'pickup-desk-message' } : {})} />
        </label>
        <Button type="submit" buttonStyle="primary" disabled={busy || code.trim() === ''}>
          {t('shop:find')}
        </Button>
      </form>
      {message && (
        <p id="pickup-desk-message" className={`pickup-desk__message pickup-desk__message--${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {order && <PickupOrder order={order} statusLabels={statusLabels} busy={busy} onHandOver={() => void handOver()} />}
    </div>
  )
}

/** The camera's picture while it scans, and the button that starts or stops it. */
function Camera({ scanner, onStart, onUnavailable }: { scanner: ReturnType<typeof useQrScanner>; onStart: () => void; onUnavailable: () => void }) {
  const { t } = useShopT()
  async function start() {
    onStart()
    if (!(await scanner.start())) onUnavailable()
  }
  return (
    <div className="pickup-desk__camera">
      {scanner.scanning && <video ref={scanner.video} autoPlay muted playsInline aria-label={t('shop:scanWithCamera')} />}
      <Button buttonStyle="secondary" onClick={scanner.scanning ? scanner.stop : () => void start()}>
        {t(scanner.scanning ? 'shop:stopCamera' : 'shop:scanWithCamera')}
      </Button>
      <canvas ref={scanner.canvas} hidden />
    </div>
  )
}
