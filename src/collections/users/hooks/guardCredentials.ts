import type { CollectionAfterOperationHook, CollectionBeforeOperationHook, PayloadRequest } from 'payload'

import { currentUser } from '../../../access'
import { escapeHtml } from '../../../lib/html'
import { confirmOwnPassword } from '../../../shop/accounts'
import { Forbidden } from '../../../shop/errors'
import { accountLanguage } from './enforcePasswordPolicy'

/** What an update changes of the owner's credentials, kept on the request for the after-hook. */
type CredentialChange = { oldEmail: string | null; locale?: string | null }
const CHANGE = 'credentialChange'

type StoredAccount = { id: number | string; email?: string | null; username?: string | null; locale?: string | null }

const normalized = (value: unknown): string | null => (typeof value === 'string' ? value.toLowerCase().trim() : null)

/** Which credentials `data` really changes on `account` (the panel sends every field, changed or not). */
function changedCredentials(data: Record<string, unknown>, account: StoredAccount) {
  return {
    password: typeof data.password === 'string' && data.password !== '',
    email: 'email' in data && normalized(data.email) !== normalized(account.email),
    username: 'username' in data && normalized(data.username) !== normalized(account.username),
  }
}

/**
 * Credentials belong to their owner alone, and a token is not enough to change them:
 * - another account's email, username or password: refused (Payload reads `password` before collection
 *   hooks see the data, so this runs before anything is written; a bulk update is refused outright).
 *   Sending them unchanged is fine: the panel sends the whole form when an admin deactivates a clerk;
 * - the owner's own new password or email needs `currentPassword` (400 without it, 403 when wrong, counted
 *   as a failed login and against the address's AUTH_RATE_LIMIT by limitAuthAttempts).
 * A new password ends every other session (Payload's update does that, keeping the caller's: tested in
 * tests/int/accounts.test.ts); after a new email the old address is told (guardCredentialsAfter).
 */
export const guardCredentials: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation !== 'update') return args
  const { currentPassword, ...data } = (args.data ?? {}) as Record<string, unknown>
  args.data = data // not a field: never stored
  if (args.overrideAccess === true && !currentUser(req)) return args // trusted server code
  if (!('password' in data || 'email' in data || 'username' in data)) return args
  const user = currentUser(req)
  // updateByID carries `id`; a bulk update (by `where`) has none and is refused outright.
  const targetId = (args as { id?: number | string }).id
  if (!user || targetId === undefined) throw new Forbidden('Only the account owner can change its email, username or password.')
  const account = await req.payload.db.findOne<StoredAccount>({ collection: 'users', req, where: { id: { equals: targetId } } })
  if (!account) return args // Payload answers 404
  const changes = changedCredentials(data, account)
  if (String(targetId) !== String(user.id)) {
    if (changes.password || changes.email || changes.username) throw new Forbidden('Only the account owner can change its email, username or password.')
    return args
  }
  if (changes.password || changes.email) {
    await confirmOwnPassword(req, { id: account.id, email: account.email }, currentPassword, 'currentPassword')
  }
  if (changes.email) req.context[CHANGE] = { oldEmail: normalized(account.email), locale: account.locale } satisfies CredentialChange
  return args
}

/** Whether an update asks for a credential check (and so draws on the address's AUTH_RATE_LIMIT). */
export const asksForCurrentPassword = (data: unknown) => typeof (data as { currentPassword?: unknown } | undefined)?.currentPassword === 'string'

const NOTICE = {
  en: {
    subject: 'The email of your 100am shop account was changed',
    body: 'The email address of your 100am shop account was just changed to another one. If it was not you, reset your password at once and write to us.',
  },
  ru: {
    subject: 'Адрес почты вашей учётной записи в магазине 100am изменён',
    body: 'Адрес почты вашей учётной записи в магазине 100am только что изменён на другой. Если это были не вы, сразу сбросьте пароль и напишите нам.',
  },
} as const

/**
 * Tells the old address, without naming the new one (a stranger who registered someone else's address must
 * not be able to mail them a text of their own). Not awaited: the update's transaction (Payload commits it
 * after this hook) must not wait for a mail server.
 */
function tellOldAddress(req: PayloadRequest, change: CredentialChange) {
  const t = NOTICE[accountLanguage(req, { locale: change.locale })]
  void req.payload
    .sendEmail({ to: change.oldEmail!, subject: t.subject, html: `<p>${escapeHtml(t.body)}</p>`, text: t.body })
    .catch((err: unknown) => req.payload.logger.warn({ err }, 'The notice of an email change could not be sent to the old address'))
}

/** After an owner's new email: the old address is told. */
export const guardCredentialsAfter: CollectionAfterOperationHook = async ({ operation, req, result }) => {
  const change = req.context[CHANGE] as CredentialChange | undefined
  if (operation !== 'updateByID' || !change || !result) return result
  delete req.context[CHANGE]
  const doc = result as { email?: string }
  if (doc.email && doc.email.toLowerCase() !== change.oldEmail) tellOldAddress(req, change)
  return result
}
