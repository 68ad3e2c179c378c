// Checkout: contact (from the profile), a pickup point (each says what it lacks of the cart), a test card.
import type { Metadata } from 'next'
import { redirect } from 'next/navigation'

import { formatQuantity } from '../../../lib/units'
import { CheckoutForm, type PointChoice } from '../_components/CheckoutForm'
import { messagesFor } from '../_lib/messages'
import { shop } from '../_lib/shop'

export const metadata: Metadata = { title: 'Оформление · Checkout' }

export default async function CheckoutPage({ searchParams }: { searchParams: Promise<{ changed?: string }> }) {
  const { api, lang, token, store } = await shop()
  if (!token) redirect('/login?next=/checkout')
  const t = messagesFor(lang)
  const [cart, me, points] = await Promise.all([
    api.GET('/cart', { params: { query: {} } }),
    api.GET('/users/me'),
    api.GET('/stores', { params: { query: { limit: 20, depth: 0, sort: 'name' } } }),
  ])
  if (cart.response.status === 401 || !me.data?.user) redirect('/login?next=/checkout')
  if (!cart.data || cart.data.items.length === 0) redirect('/cart')
  // What each point lacks of the cart, so the buyer picks one that has everything.
  const choices: PointChoice[] = await Promise.all(
    (points.data?.docs ?? []).map(async (p) => {
      const here = await api.GET('/cart', { params: { query: { store: p.id } } })
      const short = (here.data?.items ?? [])
        .filter((l) => l.availableAtStore !== undefined && l.availableAtStore < l.quantity)
        .map((l) => `${l.name}: ${formatQuantity(l.availableAtStore!, l.unit, lang)}`)
      return { id: p.id, name: p.name, address: p.address, hours: p.openingHours ?? null, short }
    }),
  )
  const user = me.data.user
  return (
    <>
      <h1>{t.checkout}</h1>
      <CheckoutForm
        lang={lang}
        cart={cart.data}
        points={choices}
        initial={{
          store: String(store && choices.some((c) => c.id === store) ? store : (choices.find((c) => c.short.length === 0)?.id ?? '')),
          firstName: user.firstName ?? '',
          lastName: user.lastName ?? '',
          phone: user.phone ?? '',
          card: 'tok_visa',
        }}
        attemptKey={crypto.randomUUID()}
        pricesChanged={(await searchParams).changed === '1'}
      />
    </>
  )
}
