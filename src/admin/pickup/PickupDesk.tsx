'use client'
// The pickup desk: the clerk scans the buyer's QR code with the device's camera (the browser's
// BarcodeDetector where it exists, else jsQR on the video frames) or types the code, sees the order, and
// hands it over. Built for a phone at the counter as much as for a desktop.
import { Button, toast } from '@payloadcms/ui'
import jsQR from 'jsqr'
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react'

import type { AdminTranslationKeys } from '../../i18n/adminTranslations'
import { asLang, formatMoney, formatQuantity } from '../../lib/units'
import type { HandOverRefusal } from '../../shop/rules'
import { useApi, useShopT } from '../client'

type Item = { sku: string; name: string; unit: string; quantity: number; pickedQuantity: number | null; lineTotal: number }
type Order = { id: number; number: string; status: string; items: Item[]; total: number; currency: string; pickupPoint: { id: number; name: string } }
type Store = { id: number; name: string }

const REFUSALS: Record<HandOverRefusal | 'forged', AdminTranslationKeys> = {
  forged: 'shop:refusedForged',
  other_store: 'shop:refusedOtherStore',
  not_assembled: 'shop:refusedNotAssembled',
  collected: 'shop:refusedCollected',
  cancelled: 'shop:refusedCancelled',
  awaiting_payment: 'shop:refusedAwaitingPayment',
}

type Detector = { detect: (source: CanvasImageSource) => Promise<Array<{ rawValue: string }>> }
declare global {
  interface Window {
    BarcodeDetector?: new (options: { formats: string[] }) => Detector
  }
}

export function PickupDesk({ stores, statusLabels }: { stores: Store[]; statusLabels: Record<string, string> }) {
  const { t, i18n } = useShopT()
  const lang = asLang(i18n.language)
  const call = useApi()
  const [store, setStore] = useState<number | ''>(stores.length === 1 ? stores[0]!.id : '')
  const [code, setCode] = useState('')
  const [order, setOrder] = useState<Order | null>(null)
  const [message, setMessage] = useState<{ kind: 'error' | 'done'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const [scanning, setScanning] = useState(false)
  const video = useRef<HTMLVideoElement>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const stream = useRef<MediaStream | null>(null)

  const explain = useCallback(
    (status: number, body: { errors?: Array<{ message?: string; data?: Record<string, unknown> }> }) => {
      const data = body.errors?.[0]?.data ?? {}
      const key = REFUSALS[String(data.reason ?? '') as keyof typeof REFUSALS] ?? (status === 404 ? 'shop:refusedUnknown' : undefined)
      const storeName = (data.pickupPoint as { name?: string } | undefined)?.name ?? ''
      return key ? t(key, { store: storeName }) : t('shop:failed', { message: body.errors?.[0]?.message ?? String(status) })
    },
    [t],
  )

  const lookup = useCallback(
    async (value: string) => {
      const trimmed = value.trim()
      if (!trimmed) return
      setBusy(true)
      setMessage(null)
      setOrder(null)
      try {
        const res = await call<{ order: Order }>('/pickup/lookup', 'POST', { code: trimmed, ...(store === '' ? {} : { store }) })
        if (res.ok) setOrder(res.body.order)
        else setMessage({ kind: 'error', text: explain(res.status, res.body) })
      } finally {
        setBusy(false)
      }
    },
    [call, explain, store],
  )

  const stopCamera = useCallback(() => {
    stream.current?.getTracks().forEach((track) => track.stop())
    stream.current = null
    setScanning(false)
  }, [])

  // While the camera runs, show it (the video element exists once scanning is on, i.e. in this effect)
  // and look for a QR code a few times a second.
  useEffect(() => {
    if (!scanning) return
    if (video.current && stream.current && video.current.srcObject !== stream.current) {
      video.current.srcObject = stream.current
      void video.current.play().catch(() => {})
    }
    let stopped = false
    const detector = window.BarcodeDetector ? new window.BarcodeDetector({ formats: ['qr_code'] }) : null
    const tick = async () => {
      if (stopped || !video.current || video.current.readyState < 2) return
      let found: string | null = null
      if (detector) {
        found = (await detector.detect(video.current).catch(() => []))[0]?.rawValue ?? null
      } else if (canvas.current) {
        const { videoWidth: w, videoHeight: h } = video.current
        const context = canvas.current.getContext('2d', { willReadFrequently: true })
        if (context && w && h) {
          canvas.current.width = w
          canvas.current.height = h
          context.drawImage(video.current, 0, 0, w, h)
          found = jsQR(context.getImageData(0, 0, w, h).data, w, h)?.data ?? null
        }
      }
      if (found && !stopped) {
        stopped = true
        stopCamera()
        setCode(found)
        void lookup(found)
      }
    }
    const timer = setInterval(() => void tick(), 200)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [scanning, lookup, stopCamera])

  useEffect(() => stopCamera, [stopCamera])

  async function startCamera() {
    setMessage(null)
    try {
      const media = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      stream.current = media
      setScanning(true)
    } catch {
      setMessage({ kind: 'error', text: t('shop:cameraUnavailable') })
    }
  }

  async function handOver() {
    if (!order) return
    setBusy(true)
    try {
      const res = await call<{ order: Order }>('/pickup', 'POST', { code: code.trim(), ...(store === '' ? {} : { store }) })
      if (res.ok) {
        const text = t('shop:handedOver', { number: order.number })
        setMessage({ kind: 'done', text })
        toast.success(text)
        setOrder(null)
        setCode('')
      } else {
        setMessage({ kind: 'error', text: explain(res.status, res.body) })
      }
    } finally {
      setBusy(false)
    }
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    void lookup(code)
  }

  return (
    <div className="pickup-desk">
      <p className="pickup-desk__help">{t('shop:pickupDeskHelp')}</p>
      {stores.length > 1 && (
        <label className="pickup-desk__field">
          {t('shop:store')}
          <select value={store} onChange={(e) => setStore(e.target.value === '' ? '' : Number(e.target.value))} name="store">
            <option value="">{t('shop:allMyStores')}</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {stores.length === 1 && <p className="pickup-desk__store">{stores[0]!.name}</p>}
      <div className="pickup-desk__camera">
        {scanning ? (
          <>
            <video ref={video} autoPlay muted playsInline aria-label={t('shop:scanWithCamera')} />
            <Button buttonStyle="secondary" onClick={stopCamera}>
              {t('shop:stopCamera')}
            </Button>
          </>
        ) : (
          <Button buttonStyle="secondary" onClick={() => void startCamera()}>
            {t('shop:scanWithCamera')}
          </Button>
        )}
        <canvas ref={canvas} hidden />
      </div>
      <form className="pickup-desk__form" onSubmit={onSubmit}>
        <label className="pickup-desk__field">
          {t('shop:pickupCode')}
          <input name="code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" autoCapitalize="characters" spellCheck={false} />
        </label>
        <Button type="submit" buttonStyle="primary" disabled={busy || code.trim() === ''}>
          {t('shop:find')}
        </Button>
      </form>
      {message && (
        <p className={`pickup-desk__message pickup-desk__message--${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {order && (
        <section className="pickup-desk__order" aria-label={`${t('shop:order')} ${order.number}`}>
          <h2>
            {t('shop:order')} {order.number}
          </h2>
          <p>
            {t('shop:status')}: <strong>{statusLabels[order.status] ?? order.status}</strong> · {order.pickupPoint.name}
          </p>
          <table>
            <thead>
              <tr>
                <th>{t('shop:product')}</th>
                <th>{t('shop:picked')}</th>
                <th>{t('shop:lineTotal')}</th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((item) => (
                <tr key={item.sku}>
                  <td>{item.name}</td>
                  <td>{formatQuantity(item.pickedQuantity ?? item.quantity, item.unit, lang)}</td>
                  <td>{formatMoney(item.lineTotal, order.currency, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="pickup-desk__total">
            {t('shop:total')}: <strong>{formatMoney(order.total, order.currency, lang)}</strong>
          </p>
          <Button buttonStyle="primary" size="large" disabled={busy} onClick={() => void handOver()}>
            {t('shop:handOver')}
          </Button>
        </section>
      )}
    </div>
  )
}
