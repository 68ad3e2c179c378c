// What a password must be (OWASP ASVS 2.1): at least 12 characters, not one of the 10,000 most common
// passwords (the ranked list zxcvbn-ts ships, read locally), and not built on the account's own email or
// username. Checked wherever a password is set: registration, a change, a reset. Accounts made before the
// policy keep their passwords until they change them.
import { dictionary } from '@zxcvbn-ts/language-common'
import type { PayloadRequest } from 'payload'

import type { Language } from '../../i18n/language'
import { BadRequest } from '../errors'
import { currentUser } from '../roles'
import { type Account, accountLanguage } from './language'

export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 256

const COMMON = new Set(dictionary['passwords-common'].slice(0, 10_000).map((p) => p.toLowerCase()))

export type PasswordRule = 'length' | 'common' | 'identity'

/** The rule a password breaks, or null when it is acceptable. Lengths count characters, not bytes. */
export function brokenPasswordRule(password: string, account: { email?: string | null; username?: string | null }): PasswordRule | null {
  const length = [...password].length
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) return 'length'
  const lower = password.toLowerCase()
  if (COMMON.has(lower)) return 'common'
  // The email's local part (without a +tag) and the username, when 3 characters or longer.
  const local = (account.email?.split('@')[0] ?? '').split('+')[0]!.toLowerCase()
  const parts = [local, (account.username ?? '').toLowerCase()].filter((p) => p.length >= 3)
  if (parts.some((p) => lower.includes(p))) return 'identity'
  return null
}

const MESSAGES: Record<PasswordRule, Record<Language, string>> = {
  length: {
    en: `The password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long.`,
    ru: `Пароль должен быть длиной от ${MIN_PASSWORD_LENGTH} до ${MAX_PASSWORD_LENGTH} символов.`,
  },
  common: {
    en: 'This password is one of the most common ones; choose another.',
    ru: 'Это один из самых распространённых паролей; выберите другой.',
  },
  identity: {
    en: 'The password must not contain your email address or username.',
    ru: 'Пароль не должен содержать ваш адрес эл. почты или имя пользователя.',
  },
}

export const passwordRuleMessage = (rule: PasswordRule, language: Language) => MESSAGES[rule][language]

/** Who a new password is checked against: the account it is set on, as found for the operation. */
async function accountSettingPassword(req: PayloadRequest, operation: 'create' | 'update' | 'resetPassword', data: Record<string, unknown>, id?: number | string): Promise<Account | null> {
  if (operation === 'create') return { email: data.email as string, username: data.username as string, locale: data.locale as string }
  if (operation === 'update') {
    const target = id === undefined ? (currentUser(req) as Account | null) : await req.payload.db.findOne<Account & { id: number }>({ collection: 'users', req, where: { id: { equals: id } } })
    return { email: (data.email as string) ?? target?.email, username: (data.username as string) ?? target?.username, locale: target?.locale }
  }
  if (typeof data.token !== 'string') return null
  return req.payload.db.findOne<Account & { id: number }>({ collection: 'users', req, where: { resetPasswordToken: { equals: data.token } } })
}

/**
 * Registration, a password change and a password reset all set a password: each is refused with 400 naming
 * the rule it breaks, in the account's language, before anything is written.
 */
export async function refuseWeakPassword(req: PayloadRequest, operation: 'create' | 'update' | 'resetPassword', data: Record<string, unknown>, id?: number | string) {
  if (!('password' in data)) return
  const account = await accountSettingPassword(req, operation, data, id)
  const language = accountLanguage(req, account)
  const password = data.password
  if (typeof password !== 'string') throw new BadRequest(passwordRuleMessage('length', language), { field: 'password', rule: 'length' })
  const rule = brokenPasswordRule(password, account ?? {})
  if (rule) throw new BadRequest(passwordRuleMessage(rule, language), { field: 'password', rule })
}
