import type { CollectionBeforeOperationHook, PayloadRequest } from 'payload'

import { currentUser } from '../../../access'
import { env } from '../../../env'
import { isSupportedLanguage, type Language, requestLanguage } from '../../../i18n/language'
import { BadRequest } from '../../../shop/errors'
import { brokenPasswordRule, passwordRuleMessage } from '../passwordPolicy'

type Account = { id?: number | string; email?: string | null; username?: string | null; locale?: string | null }

/** The language of an answer to this account: its own, else what the request or its browser says, else the shop's. */
export function accountLanguage(req: PayloadRequest, account?: Account | null): Language {
  if (isSupportedLanguage(account?.locale)) return account.locale
  return requestLanguage(req.headers.get('cookie') ?? undefined, req.headers.get('accept-language') ?? undefined, env.locale)
}

/**
 * Registration, a password change and a password reset all set a password: each is refused with 400 naming
 * the rule it breaks (./passwordPolicy.ts) before anything is written.
 */
export const enforcePasswordPolicy: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation !== 'create' && operation !== 'update' && operation !== 'resetPassword') return args
  const data = (args.data ?? {}) as Record<string, unknown>
  if (!('password' in data)) return args
  const password = data.password
  let account: Account | null = null
  if (operation === 'create') account = { email: data.email as string, username: data.username as string, locale: data.locale as string }
  else if (operation === 'update') {
    const id = (args as { id?: number | string }).id
    const target = id === undefined ? (currentUser(req) as Account | null) : await req.payload.db.findOne<Account & { id: number }>({ collection: 'users', req, where: { id: { equals: id } } })
    account = { email: (data.email as string) ?? target?.email, username: (data.username as string) ?? target?.username, locale: target?.locale }
  } else if (typeof data.token === 'string') {
    const found = await req.payload.db.findOne<Account & { id: number }>({ collection: 'users', req, where: { resetPasswordToken: { equals: data.token } } })
    account = found
  }
  const language = accountLanguage(req, account)
  if (typeof password !== 'string') throw new BadRequest(passwordRuleMessage('length', language), { field: 'password', rule: 'length' })
  const rule = brokenPasswordRule(password, account ?? {})
  if (rule) throw new BadRequest(passwordRuleMessage(rule, language), { field: 'password', rule })
  return args
}
