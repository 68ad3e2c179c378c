// The storefront's side of a request: who the buyer is (the session cookie holding their token), their
// language and pickup point, and the shop's API through the typed client, as an outside storefront calls it.
import { cookies, headers } from 'next/headers'

import { createShopClient, type ShopClient } from '../../../client'
import { env } from '../../../env'
import { CLIENT_IP_HEADER, forwardingHeaders } from '../../../lib/forwardedClient'
import { requestLanguage } from '../../../i18n/language'
import type { Lang } from '../../../lib/units'

export const SESSION_COOKIE = 'shop-session'
export const STORE_COOKIE = 'shop-store'
/** The panel's language cookie: one choice for a person in both. */
export const LANG_COOKIE = 'payload-lng'

export type Shop = { api: ShopClient; lang: Lang; token: string | undefined; store: number | undefined }

/** The API as this request's buyer (or anonymous), in their language, counted under their address. */
export async function shop(): Promise<Shop> {
  const jar = await cookies()
  const incoming = await headers()
  const token = jar.get(SESSION_COOKIE)?.value || undefined
  const lang = requestLanguage(incoming.get('cookie') ?? undefined, incoming.get('accept-language') ?? undefined, 'ru')
  const store = Number(jar.get(STORE_COOKIE)?.value) || undefined
  const api = createShopClient({
    baseUrl: env.storefrontApi,
    token,
    headers: { 'Accept-Language': lang, ...forwardingHeaders(env.secret, incoming.get(CLIENT_IP_HEADER)) },
    // Server-side calls are never cached by Next: carts, stock and orders are live.
    fetch: (input) => fetch(input, { cache: 'no-store' }),
  })
  return { api, lang, token, store }
}

/** Cookie options: the session only for this site's pages, never readable by scripts. */
export const sessionCookie = (maxAgeSeconds: number) => ({
  httpOnly: true,
  sameSite: 'lax' as const,
  // Secure wherever the shop is served over HTTPS (plain http only on a developer's machine).
  secure: env.serverUrl.startsWith('https:'),
  path: '/',
  maxAge: maxAgeSeconds,
})
