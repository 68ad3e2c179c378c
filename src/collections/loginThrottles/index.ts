import type { CollectionAfterDeleteHook, CollectionConfig } from 'payload'

import { can, nobody } from '../../access'
import { label, labels } from '../../i18n/labels'
import { liftAccountSlowdown } from '../../shop/auth/loginThrottle'

/** Clearing a throttle also lifts the account's slowdown across all addresses. */
const clearAccountSlowdown: CollectionAfterDeleteHook = async ({ doc, req }) => {
  await liftAccountSlowdown(req, doc.account)
}

/**
 * Failed logins per account and client address (written only by src/shop/auth/loginThrottle.ts). Admins see
 * which accounts are being guessed at, from where, and until when that address waits; deleting a row
 * clears it. The account is a keyed hash of the login typed, never the email itself; `user` is set when
 * the login names an existing account.
 */
export const LoginThrottles: CollectionConfig = {
  slug: 'login-throttles',
  labels: labels(['Login throttle', 'Блокировка входа'], ['Login throttles', 'Блокировки входа']),
  admin: {
    // The address opens the row (it is there at once; the account's title loads after) and is what search finds.
    useAsTitle: 'ip',
    defaultColumns: ['ip', 'user', 'failures', 'lastFailureAt', 'blockedUntil'],
    description: label(
      'Failed logins per account and address. After 5 failures that address waits (30 s, doubling up to an hour) before trying that account again; the owner from another address is not affected. Delete a row to clear it.',
      'Неудачные входы по учётной записи и адресу. После 5 ошибок с этого адреса вход в эту учётную запись откладывается (30 с, удваиваясь до часа); владельца с другого адреса это не касается. Удалите строку, чтобы снять блокировку.',
    ),
  },
  access: {
    read: can('users.manage'),
    delete: can('users.manage'),
    create: nobody,
    update: nobody,
  },
  hooks: { afterDelete: [clearAccountSlowdown] },
  fields: [
    { name: 'account', type: 'text', required: true, index: true, admin: { hidden: true } },
    { name: 'ip', type: 'text', required: true, label: label('Address', 'Адрес') },
    { name: 'user', type: 'relationship', relationTo: 'users', label: label('Account', 'Учётная запись') },
    { name: 'failures', type: 'number', required: true, defaultValue: 0, label: label('Failures', 'Ошибок') },
    { name: 'lastFailureAt', type: 'date', required: true, label: label('Last failure', 'Последняя ошибка'), admin: { date: { pickerAppearance: 'dayAndTime' } } },
    { name: 'blockedUntil', type: 'date', label: label('Waits until', 'Ждёт до'), admin: { date: { pickerAppearance: 'dayAndTime' } } },
  ],
}
