import type { PayloadRequest } from 'payload'

import { env } from '../../env'
import { isSupportedLanguage, type Language, requestLanguage } from '../../i18n/language'

export type Account = { id?: number | string; email?: string | null; username?: string | null; locale?: string | null }

/** The language of an answer to this account: its own, else what the request or its browser says, else the shop's. */
export function accountLanguage(req: PayloadRequest, account?: Account | null): Language {
  if (isSupportedLanguage(account?.locale)) return account.locale
  return requestLanguage(req.headers.get('cookie') ?? undefined, req.headers.get('accept-language') ?? undefined, env.locale)
}
