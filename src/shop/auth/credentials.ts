// Changes of email, username and password, and the owner's own password check that guards them.
import type { PayloadRequest } from 'payload'

import { execute, executeOutside, sql } from '../../db/sql'
import { escapeHtml } from '../../lib/html'
import { BadRequest, Forbidden } from '../errors'
import { currentUser } from '../roles'
import { clientOf } from './clientAddress'
import { accountLanguage } from './language'
import { countLoginFailure, loginAttempt, refuseWhileThrottled } from './loginThrottle'

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
 * tests/int/accounts.test.ts); after a new email the old address is told (tellOldAddressAfter).
 * `data` is the update without `currentPassword` (not a field: never stored); `targetId` is undefined for a
 * bulk update (by `where`), which is refused outright; `trusted`: server code overriding access.
 */
export async function checkCredentialChange(req: PayloadRequest, data: Record<string, unknown>, currentPassword: unknown, targetId: number | string | undefined, trusted: boolean) {
  if (trusted && !currentUser(req)) return
  if (!('password' in data || 'email' in data || 'username' in data)) return
  const user = currentUser(req)
  if (!user || targetId === undefined) throw new Forbidden('Only the account owner can change its email, username or password.')
  const account = await req.payload.db.findOne<StoredAccount>({ collection: 'users', req, where: { id: { equals: targetId } } })
  if (!account) return // Payload answers 404
  const changes = changedCredentials(data, account)
  if (String(targetId) !== String(user.id)) {
    if (changes.password || changes.email || changes.username) throw new Forbidden('Only the account owner can change its email, username or password.')
    return
  }
  if (changes.password || changes.email) {
    await confirmOwnPassword(req, { id: account.id, email: account.email }, currentPassword, 'currentPassword')
  }
  if (changes.email) req.context[CHANGE] = { oldEmail: normalized(account.email), locale: account.locale } satisfies CredentialChange
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

/** After an owner's update took their new email (`doc`): the old address is told. */
export function tellOldAddressAfter(req: PayloadRequest, doc: { email?: string } | undefined) {
  const change = req.context[CHANGE] as CredentialChange | undefined
  if (!change || !doc) return
  delete req.context[CHANGE]
  if (doc.email && doc.email.toLowerCase() !== change.oldEmail) tellOldAddress(req, change)
}

/**
 * Checks the signed-in owner's own password: a stolen token alone must not be enough to delete the account
 * or change its credentials. A wrong password counts as a failed login (and a throttled address waits);
 * 400 without one, 403 when it is wrong. Payload's own login checks it; the session that check opens is
 * closed at once, outside the caller's transaction (Payload would otherwise write it back with the account).
 */
export async function confirmOwnPassword(req: PayloadRequest, owner: { id: number | string; email?: string | null }, password: unknown, field = 'password') {
  if (typeof password !== 'string' || password === '') throw new BadRequest(`Give your current password (${field}) to do this.`, { field })
  // `req.user` never carries the email (src/shop/auth/sessionUser.ts): read it when the caller has none.
  const stored = owner.email ?? (await execute<{ email: string }>(req, sql`SELECT email FROM users WHERE id = ${owner.id}`)).rows[0]?.email
  const email = (stored ?? '').toLowerCase().trim()
  const attempt = await loginAttempt(req, email, clientOf(req))
  await refuseWhileThrottled(req, attempt)
  let sessionOfTheCheck: string | undefined
  try {
    const { token } = await req.payload.login({ collection: 'users', data: { email, password } })
    sessionOfTheCheck = JSON.parse(Buffer.from((token ?? '').split('.')[1] ?? '', 'base64url').toString('utf8') || '{}').sid
  } catch {
    await countLoginFailure(req, attempt)
    throw new Forbidden('The password is not right; nothing was changed.')
  }
  if (sessionOfTheCheck) await executeOutside(req.payload, sql`DELETE FROM users_sessions WHERE id = ${sessionOfTheCheck}`)
}
