import type { CollectionConfig, FieldAccess } from 'payload'

import { anyone, can, fieldCan, fieldOr, fieldSignedIn, or, ownerOf, privateToOwner } from '../../access'
import { ROLE_LABELS, roleCan, ROLES } from '../../shop/roles'
import { label, labels } from '../../i18n/labels'
import { toE164 } from '../../lib/phone'
import { endSessionsOnDeactivation, keepShopPeople, refuseDeactivated } from './hooks/accountLifecycle'
import { guardCredentials, guardCredentialsAfter } from './hooks/guardCredentials'
import { guardRole } from './hooks/guardRole'
import { limitAuthAttempts } from './hooks/limitAuthAttempts'
import { dropServerOwnedFields } from './hooks/serverOwnedFields'
import { accountLanguage } from '../../shop/auth/language'
import { resetEmailHtml, resetEmailSubject } from '../../shop/auth/resetEmail'
import { enforcePasswordPolicy } from './hooks/enforcePasswordPolicy'
import { throttleLogins } from './hooks/throttleLogins'

const ownRecord = privateToOwner((doc) => doc.id)
/** `rule`, but never on the caller's own account. */
const notOwnRecord =
  (rule: FieldAccess): FieldAccess =>
  async (args) =>
    !(await ownRecord(args)) && (await rule(args))
const personal = { read: ownRecord, update: ownRecord, create: () => true }

export const Users: CollectionConfig = {
  slug: 'users',
  labels: labels(['User', 'Пользователь'], ['Users', 'Пользователи']),
  auth: {
    loginWithUsername: { allowEmailLogin: true, requireEmail: true, requireUsername: false },
    tokenExpiration: 60 * 60 * 24,
    // Payload's own lock (n failures lock the account for everyone) is off: anybody could lock anybody out.
    // Failures are throttled per account and address instead (src/shop/auth/loginThrottle.ts).
    maxLoginAttempts: 0,
    // The link works once, for an hour; buyers go to the storefront, staff to the panel (src/shop/auth/resetEmail.ts).
    forgotPassword: { expiration: 60 * 60 * 1000, generateEmailHTML: resetEmailHtml, generateEmailSubject: resetEmailSubject },
    useSessions: true,
  },
  admin: {
    useAsTitle: 'username',
    defaultColumns: ['id', 'username', 'role', 'stores', 'createdAt'],
    // Staff reach their own account through the avatar; the list of accounts is the admins'.
    hidden: ({ user }) => !roleCan(user?.role, 'users.manage'),
  },
  access: {
    create: anyone, // registration (the role is forced to buyer, see guardRole); admins also make staff
    read: or(can('users.manage'), ownerOf('id')),
    // Owners edit their own account; admins edit others only where field access lets them (role, stores):
    // never credentials (guardCredentials) nor personal data (field access).
    update: or(ownerOf('id'), can('users.manage')),
    delete: can('users.manage'),
    admin: can('panel.use'),
    unlock: can('users.manage'),
  },
  hooks: {
    // The rate limit first: an attempt over it is refused before anything else looks at it.
    beforeOperation: [limitAuthAttempts, throttleLogins, guardCredentials, enforcePasswordPolicy],
    beforeChange: [guardRole, dropServerOwnedFields],
    afterChange: [endSessionsOnDeactivation],
    afterOperation: [guardCredentialsAfter],
    beforeLogin: [refuseDeactivated],
    beforeDelete: [keepShopPeople],
  },
  fields: [
    {
      // Merges into Payload's own email field; an admin sees a buyer's account but not their address.
      name: 'email',
      type: 'email',
      label: label('Email', 'Эл. почта'),
      access: { read: ownRecord },
      // Shown once, in the panel's account block (with the password), as Payload's own email field is.
      admin: { components: { Field: false } },
    },
    {
      name: 'username',
      type: 'text',
      label: label('Username', 'Имя пользователя'),
      validate: (value: unknown) => {
        if (value === undefined || value === null || value === '') return true
        return typeof value === 'string' && /^[A-Za-z0-9._-]{3,32}$/.test(value)
          ? true
          : 'Username: 3-32 letters, digits, ".", "_" or "-" (no "@")'
      },
    },
    {
      name: 'role',
      type: 'select',
      label: label('Role', 'Роль'),
      options: ROLES.map((value) => ({ value, label: ROLE_LABELS[value] })),
      required: true,
      defaultValue: 'buyer',
      saveToJWT: true,
      index: true,
      // Only admins give roles, and only buyer or staff; admins are made by `npm run create-admin` (guardRole).
      access: { create: fieldCan('users.manage'), update: fieldCan('users.manage'), read: fieldSignedIn },
    },
    {
      name: 'stores',
      type: 'relationship',
      relationTo: 'stores',
      hasMany: true,
      label: label('Works at', 'Работает в'),
      saveToJWT: true,
      admin: {
        description: label('For shop staff: the pickup points whose stock and orders they handle.', 'Для сотрудников: пункты выдачи, остатками и заказами которых они занимаются.'),
        condition: (data) => data?.role === 'staff',
      },
      access: { create: fieldCan('users.manage'), update: fieldCan('users.manage'), read: fieldOr(fieldCan('users.manage'), ownRecord) },
    },
    {
      // The owner's current password, asked for with a new password or email (hooks/guardCredentials.ts):
      // sent along with the change, checked, never stored.
      name: 'currentPassword',
      type: 'text',
      virtual: true,
      label: label('Current password (to change the password or email)', 'Текущий пароль (чтобы сменить пароль или почту)'),
      admin: {
        components: { Field: '/admin/users/CurrentPassword#CurrentPassword' },
        condition: (data, _sibling, { user }) => Boolean(user && data?.id !== undefined && String(user.id) === String(data.id)),
        disableListColumn: true,
        disableListFilter: true,
      },
      access: { read: ownRecord, create: () => false, update: ownRecord },
    },
    {
      // Staff and admins leave the shop by deactivation, never deletion: the ledger keeps who did what.
      name: 'active',
      type: 'checkbox',
      label: label('Active (may log in)', 'Активна (может входить)'),
      defaultValue: true,
      admin: { description: label('Off: no login, every session ended. Staff and admin accounts are deactivated, not deleted.', 'Выкл.: вход закрыт, все сеансы завершены. Учётные записи сотрудников и администраторов не удаляются, а отключаются.') },
      // Admins switch others off, never themselves (no shop without an admin who can log in).
      access: { create: fieldCan('users.manage'), update: notOwnRecord(fieldCan('users.manage')), read: fieldOr(fieldCan('users.manage'), ownRecord) },
    },
    {
      name: 'locale',
      type: 'select',
      label: label('Language of emails', 'Язык писем'),
      options: [
        { value: 'ru', label: 'Русский' },
        { value: 'en', label: 'English' },
      ],
      // At registration: the body's, else the browser's (Accept-Language), else SHOP_LOCALE.
      defaultValue: ({ req }) => accountLanguage(req),
      access: personal,
    },
    {
      name: 'firstName',
      type: 'text',
      label: label('First name', 'Имя'),
      maxLength: 100,
      access: personal,
    },
    {
      name: 'lastName',
      type: 'text',
      label: label('Last name', 'Фамилия'),
      maxLength: 100,
      access: personal,
    },
    {
      name: 'phone',
      type: 'text',
      label: label('Phone (E.164)', 'Телефон (E.164)'),
      access: personal,
      validate: (value: unknown) =>
        value === undefined || value === null || value === '' || toE164(value) !== null
          ? true
          : 'Phone: a valid number, e.g. +79161234567',
      hooks: {
        // Invalid numbers pass through unchanged so that validation refuses them.
        beforeChange: [({ value }) => (typeof value === 'string' && value !== '' ? (toE164(value) ?? value) : value)],
      },
    },
  ],
}
