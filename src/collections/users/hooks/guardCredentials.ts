import type { CollectionAfterOperationHook, CollectionBeforeOperationHook, PayloadRequest } from 'payload'

import { currentUser } from '../../../access'
import { escapeHtml } from '../../../lib/html'
import { confirmOwnPassword } from '../../../shop/accounts'
import { Forbidden } from '../../../shop/errors'
import { accountLanguage } from './enforcePasswordPolicy'

/** What an update changes of the owner's credentials, kept on the request for the after-hook. */
type CredentialChange = { password: boolean; oldEmail: string | null; locale?: string | null }
const CHANGE = 'credentialChange'

/**
 * Credentials belong to their owner alone, and a token is not enough to change them:
 * - another account's email, username or password: refused (Payload reads `password` before collection
 *   hooks see the data, so this runs before anything is written; a bulk update is refused outright);
 * - the owner's own new password or email needs `currentPassword` (400 without it, 403 when wrong, counted
 *   as a failed login): a stolen token must not be able to take the account over.
 * A new password ends every other session (Payload's update does that, keeping the caller's: tested in
 * tests/int/accounts.test.ts); after a new email, the old address is told (guardCredentialsAfter).
 */
export const guardCredentials: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation !== 'update') return args
  const { currentPassword, ...data } = (args.data ?? {}) as Record<string, unknown>
  args.data = data // not a field: never stored
  if (args.overrideAccess === true && !currentUser(req)) return args // trusted server code
  const touchesCredentials = 'password' in data || 'email' in data || 'username' in data
  if (!touchesCredentials) return args
  const user = currentUser(req) as (ReturnType<typeof currentUser> & { email?: string; locale?: string }) | null
  // updateByID carries `id`; a bulk update (by `where`) has none and is refused outright.
  const targetId = (args as { id?: number | string }).id
  if (!user || targetId === undefined || String(targetId) !== String(user.id)) {
    throw new Forbidden('Only the account owner can change its email, username or password.')
  }
  const oldEmail = (user.email ?? '').toLowerCase()
  const change: CredentialChange = {
    password: typeof data.password === 'string' && data.password !== '',
    oldEmail: typeof data.email === 'string' && data.email.toLowerCase().trim() !== oldEmail ? oldEmail : null,
    locale: user.locale,
  }
  if (change.password || change.oldEmail) await confirmOwnPassword(req, user, currentPassword, 'currentPassword')
  req.context[CHANGE] = change
  return args
}

const NOTICE = {
  en: {
    subject: 'The email of your 100am shop account was changed',
    body: (to: string) => `The email of your 100am shop account was changed to ${to}. If it was not you, reset your password at once and write to us.`,
  },
  ru: {
    subject: 'Адрес почты вашей учётной записи в магазине 100am изменён',
    body: (to: string) => `Адрес почты вашей учётной записи в магазине 100am изменён на ${to}. Если это были не вы, сразу сбросьте пароль и напишите нам.`,
  },
} as const

/** a…e@example.com: enough for the owner to recognise, not a copy of the new address. */
const masked = (email: string) => email.replace(/^(.)(.*)(.)@/, (_m, first: string, _middle: string, last: string) => `${first}…${last}@`)

async function tellOldAddress(req: PayloadRequest, change: CredentialChange, newEmail: string) {
  const t = NOTICE[accountLanguage(req, { locale: change.locale })]
  const text = t.body(masked(newEmail))
  try {
    await req.payload.sendEmail({ to: change.oldEmail!, subject: t.subject, html: `<p>${escapeHtml(text)}</p>`, text })
  } catch (err) {
    req.payload.logger.warn({ err }, 'The notice of an email change could not be sent to the old address')
  }
}

/** After an owner's new email: the old address is told. */
export const guardCredentialsAfter: CollectionAfterOperationHook = async ({ operation, req, result }) => {
  const change = req.context[CHANGE] as CredentialChange | undefined
  if (operation !== 'updateByID' || !change || !result) return result
  delete req.context[CHANGE]
  const doc = result as { id: number | string; email?: string }
  if (change.oldEmail && doc.email && doc.email.toLowerCase() !== change.oldEmail) await tellOldAddress(req, change, doc.email)
  return result
}
