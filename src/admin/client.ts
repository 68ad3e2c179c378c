'use client'
// What the panel's own components share: calling the shop's REST API as the logged-in user, the shop's
// translated strings, server refusals in the clerk's language, and showing a change the API made.
import { useConfig, useTranslation } from '@payloadcms/ui'
import { formatAdminURL } from 'payload/shared'
import { useCallback } from 'react'

import type { AdminTranslationKeys, AdminTranslations } from '../i18n/adminTranslations'

export type ApiAnswer<T = Record<string, unknown>> = {
  ok: boolean
  status: number
  body: T & { errors?: Array<{ message?: string; data?: Record<string, unknown> }> }
}

/** `call('/pickup', 'POST', {code})`: JSON in, JSON out, with the panel's cookie and language. Stable between renders. */
export function useApi() {
  const { config } = useConfig()
  const { i18n } = useTranslation()
  const { api } = config.routes
  const { serverURL } = config
  const language = i18n.language
  return useCallback(async function call<T = Record<string, unknown>>(path: `/${string}`, method = 'GET', body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const res = await fetch(formatAdminURL({ apiRoute: api, serverURL, path }), {
      method,
      credentials: 'include',
      headers: { 'Accept-Language': language, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const answer = (await res.json().catch(() => ({}))) as ApiAnswer<T>['body']
    return { ok: res.ok, status: res.status, body: answer }
  }, [api, serverURL, language])
}

/** The shop's strings, typed: `t('shop:handOver')`. */
export const useShopT = () => useTranslation<AdminTranslations, AdminTranslationKeys>()

type T = ReturnType<typeof useShopT>['t']

/**
 * Refusals whose status says it all, in the clerk's language. A 400 or 409 says something specific (which
 * line, how much is available): the caller names the cases it knows (`known`), else the server's message.
 */
const BY_STATUS: Partial<Record<number, AdminTranslationKeys>> = {
  403: 'shop:notAllowed',
  404: 'shop:refusedNotFound',
  429: 'shop:refusedTooMany',
  503: 'shop:refusedUnavailable',
}

/** What to tell the clerk of a refusal: `known` first (by the refusal's `data.reason`, then its status), then BY_STATUS. */
export function refusalText(t: T, answer: ApiAnswer, known: Record<string, AdminTranslationKeys> = {}, values: Record<string, unknown> = {}): string {
  const error = answer.body.errors?.[0]
  const key = known[String(error?.data?.reason ?? '')] ?? known[String(answer.status)] ?? BY_STATUS[answer.status]
  return key ? t(key, values) : t('shop:failed', { message: error?.message ?? String(answer.status) })
}

/**
 * Shows what an API call changed: the view loaded anew. Not `router.refresh()`: that brings the document's
 * new data, but Payload's join tables (a stock row's movements, an order's lines) render once and keep their
 * rows, so the change the clerk just made would be missing from them (seen in the browser tests).
 */
export const reloadView = () => window.location.reload()
