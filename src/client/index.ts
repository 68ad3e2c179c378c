// The typed client of the shop's REST API, for storefronts: every path, parameter, body and answer typed
// from the OpenAPI document (./schema.ts, generated: `npm run generate:client`), errors as the documented
// error shapes. Depends on nothing of the server.
import createClient, { type Client } from 'openapi-fetch'

import type { components, paths } from './schema'

export type { components, paths }
export type ShopClient = Client<paths>

export type ShopClientOptions = {
  /** The shop's origin, e.g. https://shop.example (the API is under /api). */
  baseUrl: string
  /** A JWT from POST /users/login: sent as `Authorization: Bearer`, never as a cookie. */
  token?: string
  /** Another fetch (tests, server-side rendering with caching). */
  fetch?: typeof globalThis.fetch
  /** Headers for every call (e.g. a server-side storefront's Accept-Language). */
  headers?: Record<string, string>
}

export function createShopClient({ baseUrl, token, fetch, headers }: ShopClientOptions): ShopClient {
  return createClient<paths>({
    baseUrl: `${baseUrl.replace(/\/+$/, '')}/api`,
    headers: { ...headers, ...(token && { Authorization: `Bearer ${token}` }) },
    ...(fetch && { fetch }),
  })
}
