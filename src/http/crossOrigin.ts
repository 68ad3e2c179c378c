// Requests from other sites that would act with a signed-in user's cookie (cross-site request forgery).
// Payload's own check (the config's `csrf` list, set in src/config.ts) ignores the cookie of a request from
// an origin not on the list, so the request goes on as anonymous; this refuses a state-changing one outright
// (403, nothing done), so that a forged form cannot even register an account or log someone out in the
// victim's browser, and so that the answer says why.
import type { IncomingHttpHeaders } from 'node:http'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

const hasCookie = (headers: IncomingHttpHeaders, name: string) =>
  (header(headers, 'cookie') ?? '').split(';').some((pair) => pair.trim().startsWith(`${name}=`))

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin
  } catch {
    return null
  }
}

/**
 * Why a request must be refused as cross-site, or null when it may go on. Only state-changing requests
 * that carry the auth cookie (`cookieName`) and no Authorization header (a Bearer or JWT token is never sent
 * by a browser on its own) are looked at. From a browser they come:
 * - with `Origin` (every browser sends it on POST, PATCH, PUT and DELETE): it must be one of `allowed`;
 * - without it, with `Sec-Fetch-Site`: only `same-origin` (or `none`, typed by the user) passes;
 * - with neither, with a `Referer`: its origin must be allowed.
 * A request with none of the three is not a browser's (and Payload ignores its cookie anyway).
 */
export function crossSiteRefusal(method: string, headers: IncomingHttpHeaders, allowed: readonly string[], cookieName: string): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null
  if (header(headers, 'authorization') || !hasCookie(headers, cookieName)) return null
  const origin = header(headers, 'origin')
  if (origin !== undefined) return allowed.includes(origin) ? null : `requests from ${origin} may not use the sign-in cookie`
  const site = header(headers, 'sec-fetch-site')
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? null : `${site} requests may not use the sign-in cookie`
  const referer = header(headers, 'referer')
  if (referer !== undefined) {
    const from = originOf(referer)
    return from && allowed.includes(from) ? null : 'requests from another site may not use the sign-in cookie'
  }
  return null
}
