// The password-reset email (Payload's forgot-password sends it): buyers get an absolute link to the
// storefront's page (STOREFRONT_URL + STOREFRONT_RESET_PATH), staff and admins to the panel's. In the
// account's language; the token works once, for an hour (the collection's forgotPassword.expiration).
import type { PayloadRequest } from 'payload'

import { env } from '../../env'
import { escapeHtml } from '../../lib/html'
import { accountLanguage } from './language'

type Recipient = { role?: string; email?: string; locale?: string | null } | undefined

export function resetLink(token: string, role: string | undefined): string {
  if (role === 'staff' || role === 'admin') return `${env.serverUrl.replace(/\/+$/, '')}/admin/reset/${encodeURIComponent(token)}`
  return `${env.storefront.url}${env.storefront.resetPath.replace('{token}', encodeURIComponent(token))}`
}

const TEXT = {
  en: {
    subject: 'Resetting your 100am shop password',
    intro: 'Someone (we hope you) asked to reset the password of your 100am shop account.',
    action: 'Choose a new password here, within an hour:',
    ignore: 'If it was not you, ignore this email: your password stays as it is.',
  },
  ru: {
    subject: 'Сброс пароля в магазине 100am',
    intro: 'Кто-то (надеемся, вы) попросил сбросить пароль вашей учётной записи в магазине 100am.',
    action: 'Задайте новый пароль по этой ссылке в течение часа:',
    ignore: 'Если это были не вы, просто не обращайте внимания на письмо: пароль останется прежним.',
  },
} as const

type EmailArgs = { req?: PayloadRequest; token?: string; user?: Recipient } | undefined

export const resetEmailSubject = (args: EmailArgs) => TEXT[accountLanguage(args!.req!, args?.user)].subject

export const resetEmailHtml = (args: EmailArgs) => {
  const t = TEXT[accountLanguage(args!.req!, args?.user)]
  const link = resetLink(args?.token ?? '', args?.user?.role)
  return `<p>${escapeHtml(t.intro)}</p>\n<p>${escapeHtml(t.action)}</p>\n<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>\n<p>${escapeHtml(t.ignore)}</p>`
}
