'use client'
// What can be done with an order, in its edit view, for those allowed to: assemble a paid one
// (./AssemblyForm.tsx), cancel it with a reason for the buyer, or go to the pickup desk to hand a ready one
// over (that needs the buyer's code).
import { Button, toast, useAuth, useConfig, useDocumentInfo } from '@payloadcms/ui'
import { useState } from 'react'

import { type Capability, reachOf, storesOf } from '../../shop/roles'
import { refusalText, reloadView, useApi, useShopT } from '../client'
import { AssemblyForm } from './AssemblyForm'

export function OrderActions({ weightToleranceBp }: { weightToleranceBp: number }) {
  const { id, data } = useDocumentInfo()
  const { user } = useAuth()
  const { config } = useConfig()
  const { t } = useShopT()
  const status = String(data?.status ?? '')
  const store = Number(typeof data?.pickupPoint === 'object' && data?.pickupPoint ? (data.pickupPoint as { id: number }).id : data?.pickupPoint)
  const may = (capability: Capability) => {
    const reach = reachOf((user as { role?: string } | null)?.role, capability)
    return reach === 'all' || (reach === 'ownStores' && storesOf(user as { stores?: unknown }).includes(store))
  }
  const canAssemble = status === 'paid' && may('orders.assemble')
  const canCancel = (status === 'paid' || status === 'ready') && may('orders.cancel')
  if (!id || (!canAssemble && !canCancel && status !== 'ready')) return null

  return (
    <section className="order-actions" id="assembly">
      {canAssemble && <AssemblyForm orderId={id} currency={String(data?.currency ?? 'RUB')} authorized={Number(data?.authorized ?? 0)} toleranceBp={weightToleranceBp} />}
      {status === 'ready' && may('orders.assemble') && (
        <p>
          <a className="btn btn--style-secondary btn--size-medium" href={`${config.routes.admin}/pickup`}>
            {t('shop:goToPickupDesk')}
          </a>
        </p>
      )}
      {canCancel && <CancelOrder orderId={id} />}
    </section>
  )
}

/** Cancelling with a reason the buyer is told: stock back, the hold released or the charge refunded. */
function CancelOrder({ orderId }: { orderId: string | number }) {
  const { t } = useShopT()
  const call = useApi()
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  async function cancel() {
    setBusy(true)
    try {
      const answer = await call<{ order: { number: string } }>(`/orders/${orderId}/cancel`, 'POST', reason.trim() ? { reason: reason.trim() } : {})
      if (!answer.ok) return void toast.error(refusalText(t, answer))
      toast.success(t('shop:cancelled', { number: answer.body.order.number }))
      reloadView()
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="order-actions__cancel" role="group" aria-label={t('shop:cancelOrder')}>
      <label>
        {t('shop:cancelReason')}
        <input name="cancel-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </label>
      <Button buttonStyle="secondary" disabled={busy} onClick={() => void cancel()}>
        {t('shop:cancelOrder')}
      </Button>
    </div>
  )
}
