// What a password must be (OWASP ASVS 2.1): at least 12 characters, not one of the 10,000 most common
// passwords (the ranked list zxcvbn-ts ships, read locally), and not built on the account's own email or
// username. Checked wherever a password is set: registration, a change, a reset. Accounts made before the
// policy keep their passwords until they change them.
import { dictionary } from '@zxcvbn-ts/language-common'

import type { Language } from '../../i18n/language'

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
