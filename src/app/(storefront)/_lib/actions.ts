'use server'
// What the storefront's forms do: each parses its form, makes one call to the shop's API as the buyer, and
// redirects (or answers the form's state). The rules stay in the shop; these only carry words across.
import { cookies, headers } from 'next/headers'
import { redirect } from 'next/navigation'

import { SKU_PATTERN } from '../../../lib/sku'
import { localPath, refererPath, withParam } from './paths'
import { LANG_COOKIE, SESSION_COOKIE, sessionCookie, shop, STORE_COOKIE } from './shop'

const YEAR = 365 * 24 * 3600
const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim()

/** Where a form came from: its `back` field, else the Referer when it is this site. */
async function back(form: FormData) {
  const given = text(form, 'back')
  if (given) return localPath(given)
  const incoming = await headers()
  return refererPath(incoming.get('referer'), incoming.get('host'))
}
export async function setLanguage(form: FormData) {
  const lang = text(form, 'lang') === 'en' ? 'en' : 'ru'
  ;(await cookies()).set(LANG_COOKIE, lang, { path: '/', maxAge: YEAR, sameSite: 'lax' })
  redirect(await back(form))
}

export async function choosePickupPoint(form: FormData) {
  const store = Number(text(form, 'store'))
  const jar = await cookies()
  if (Number.isInteger(store) && store > 0) jar.set(STORE_COOKIE, String(store), { path: '/', maxAge: YEAR, sameSite: 'lax' })
  else jar.delete(STORE_COOKIE)
  redirect(withParam(await back(form), 'page', null))
}

/** Add to the cart (product page and cards). A visitor who is not logged in logs in first. */
export async function addToCart(form: FormData) {
  const { api, token } = await shop()
  const to = await back(form)
  if (!token) redirect(`/login?next=${encodeURIComponent(to)}`)
  const sku = text(form, 'sku')
  if (!SKU_PATTERN.test(sku)) redirect(withParam(to, 'error', '400'))
  const { response } = await api.POST('/cart/items', { body: { sku, quantity: Number(text(form, 'quantity').replace(',', '.')) } })
  if (response.status === 401) redirect(`/login?next=${encodeURIComponent(to)}`)
  redirect(withParam(to, response.ok ? 'added' : 'error', response.ok ? sku : String(response.status)))
}

/** Set a cart line (the stepper's value, or its − and +), or remove it. */
export async function changeCartLine(form: FormData) {
  const { api } = await shop()
  const sku = text(form, 'sku')
  // A SKU of dots would make the line's path the cart's own (/cart/items/.. → /cart).
  if (!SKU_PATTERN.test(sku)) redirect('/cart?error=400')
  const quantity = Number(text(form, 'quantity').replace(',', '.'))
  const { response } =
    form.get('remove') !== null || quantity === 0
      ? await api.DELETE('/cart/items/{sku}', { params: { path: { sku } } })
      : await api.PATCH('/cart/items/{sku}', { params: { path: { sku } }, body: { quantity } })
  if (response.status === 401) redirect('/login?next=/cart')
  redirect(response.ok ? '/cart' : `/cart?error=${response.status}`)
}

export async function cancelOrder(form: FormData) {
  const { api } = await shop()
  const id = Number(text(form, 'id'))
  const { response } = await api.POST('/orders/{id}/cancel', { params: { path: { id } }, body: {} })
  redirect(`/orders/${id}${response.ok ? '' : `?error=${response.status}`}`)
}

export type FormState = { error?: string; done?: boolean; values?: Record<string, string> }

/** Keeps the session token in a cookie of this site until the token itself expires. */
async function startSession(token: string, exp: number) {
  const seconds = Math.max(60, exp - Math.floor(Date.now() / 1000))
  ;(await cookies()).set(SESSION_COOKIE, token, sessionCookie(seconds))
}

const refusal = (status: number) => (status === 429 ? 'tooMany' : status === 401 || status === 403 ? 'loginFailed' : 'somethingWrong')

export async function logIn(_state: FormState, form: FormData): Promise<FormState> {
  const { api } = await shop()
  const login = text(form, 'login')
  const body = login.includes('@') ? { email: login, password: String(form.get('password') ?? '') } : { username: login, password: String(form.get('password') ?? '') }
  const { data, response } = await api.POST('/users/login', { body })
  if (!data) return { error: refusal(response.status), values: { login } }
  await startSession(data.token, data.exp)
  redirect(localPath(text(form, 'next')))
}

export async function register(_state: FormState, form: FormData): Promise<FormState> {
  const { api, lang } = await shop()
  const email = text(form, 'email')
  const password = String(form.get('password') ?? '')
  const username = text(form, 'username') || undefined
  const { response, error } = await api.POST('/users', { body: { email, password, ...(username && { username }), locale: lang } })
  if (response.status !== 201) {
    const message = (error as { errors?: Array<{ message?: string; data?: { errors?: Array<{ message?: string }> } }> } | undefined)?.errors?.[0]
    return { error: response.status === 429 ? 'tooMany' : (message?.data?.errors?.[0]?.message ?? message?.message ?? 'somethingWrong'), values: { email, username: username ?? '' } }
  }
  const { data } = await api.POST('/users/login', { body: { email, password } })
  if (data) await startSession(data.token, data.exp)
  redirect(localPath(text(form, 'next')))
}

export async function logOut() {
  const { api } = await shop()
  await api.POST('/users/logout').catch(() => undefined)
  ;(await cookies()).delete(SESSION_COOKIE)
  redirect('/')
}

export async function forgotPassword(_state: FormState, form: FormData): Promise<FormState> {
  const { api } = await shop()
  const { response } = await api.POST('/users/forgot-password', { body: { email: text(form, 'email') } })
  return response.ok ? { done: true } : { error: response.status === 429 ? 'tooMany' : 'somethingWrong' }
}

export async function resetPassword(_state: FormState, form: FormData): Promise<FormState> {
  const { api } = await shop()
  const { data, response, error } = await api.POST('/users/reset-password', { body: { token: text(form, 'token'), password: String(form.get('password') ?? '') } })
  if (!data) {
    if (response.status === 403) return { error: 'badLink' }
    return { error: (error as { errors?: Array<{ message?: string }> } | undefined)?.errors?.[0]?.message ?? 'somethingWrong' }
  }
  await startSession(data.token, data.exp)
  redirect('/account?saved=password')
}

export async function deleteAccount(_state: FormState, form: FormData): Promise<FormState> {
  const { api } = await shop()
  const { response } = await api.DELETE('/users/me', { body: { password: String(form.get('password') ?? '') } })
  if (!response.ok) return { error: response.status === 429 ? 'tooMany' : response.status === 403 ? 'loginFailed' : 'somethingWrong' }
  ;(await cookies()).delete(SESSION_COOKIE)
  redirect('/?deleted=1')
}

/** The stub gateway's test cards a buyer may choose (any other token is refused here). */
const TEST_CARDS = ['tok_visa', 'tok_chargeDeclined', 'tok_insufficientFunds', 'tok_timeout'] as const

export type CheckoutState = FormState & { key: string; short?: Array<{ sku: string; requested: number; available: number }>; total?: number }

/**
 * Checkout. One Idempotency-Key per attempt: a retry after the network failed (or the shop was too busy)
 * sends the same key, so it can never charge twice; a definite answer (declined, short) starts a new one.
 */
export async function placeOrder(state: CheckoutState, form: FormData): Promise<CheckoutState> {
  const { api } = await shop()
  const values = Object.fromEntries(['store', 'firstName', 'lastName', 'phone', 'card'].map((k) => [k, text(form, k)]))
  const card = TEST_CARDS.find((c) => c === values.card) ?? 'tok_visa'
  const key = text(form, 'key') || crypto.randomUUID()
  const fresh = crypto.randomUUID()
  const body = {
    pickupPoint: Number(values.store),
    contact: { firstName: values.firstName!, lastName: values.lastName!, phone: values.phone! },
    paymentToken: card,
    ...(Number.isSafeInteger(Number(text(form, 'total'))) && { expectedTotal: Number(text(form, 'total')) }),
  }
  let answer
  try {
    answer = await api.POST('/checkout', { params: { header: { 'Idempotency-Key': key } }, body })
  } catch {
    return { error: 'networkError', key, values }
  }
  const { data, error, response } = answer
  if (data) {
    ;(await cookies()).set(STORE_COOKIE, String(body.pickupPoint), { path: '/', maxAge: YEAR, sameSite: 'lax' })
    redirect(`/orders/${data.order.id}?placed=1`)
  }
  const refused = error as { errors?: Array<{ message?: string; name?: string }>; lines?: CheckoutState['short']; total?: number; order?: { id: number } } | undefined
  if (response.status === 401) redirect('/login?next=/checkout')
  if (response.status === 504 && refused?.order) redirect(`/orders/${refused.order.id}?timeout=1`)
  // The prices changed: the page again, with the new total to confirm.
  if (response.status === 409 && refused?.total !== undefined) redirect('/checkout?changed=1')
  // A new key only after a definite answer (nothing held, nothing left running); any other answer (busy,
  // still running, an error) may be followed by a retry that must not pay twice: the same key.
  if (response.status === 402) return { error: 'declined', key: fresh, values }
  if (response.status === 409 && refused?.lines) return { error: 'outOfStock', short: refused.lines, key: fresh, values }
  const definite = [400, 404, 422].includes(response.status)
  if (response.status === 503) return { error: 'busy', key, values }
  return { error: refused?.errors?.[0]?.message ?? 'somethingWrong', key: definite ? fresh : key, values }
}

export async function saveProfile(_state: FormState, form: FormData): Promise<FormState> {
  const { api } = await shop()
  const values = Object.fromEntries(['firstName', 'lastName', 'phone', 'locale'].map((k) => [k, text(form, k)]))
  const locale = values.locale === 'en' ? 'en' : 'ru'
  const { response, error } = await api.PATCH('/users/{id}', {
    params: { path: { id: Number(text(form, 'id')) } },
    body: { firstName: values.firstName, lastName: values.lastName, phone: values.phone, locale },
  })
  if (!response.ok) return { error: (error as { errors?: Array<{ message?: string }> } | undefined)?.errors?.[0]?.message ?? 'somethingWrong', values }
  ;(await cookies()).set(LANG_COOKIE, locale, { path: '/', maxAge: YEAR, sameSite: 'lax' })
  return { done: true, values }
}
