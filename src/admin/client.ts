'use client'
// What the panel's own components share: calling the shop's REST API as the logged-in user, and the shop's
// translated strings.
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
  const { api, admin: _admin } = config.routes
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
