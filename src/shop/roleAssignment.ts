// Who gets which role: the one place an account's role and pickup points are decided (the users
// collection's guardRole hook calls it, create-admin and the demo seed pass GRANT_ADMIN).
import type { PayloadRequest } from 'payload'

import { Forbidden } from './errors'
import { currentUser, type Role, roleCan } from './roles'

/** Set on `req.context` by the one operation allowed to make admins (create-admin, demo seed). */
export const GRANT_ADMIN = 'grantAdmin'

/** The roles an admin may give through the API or the panel: never admin (that is `npm run create-admin`). */
const GIVEN_BY_ADMINS: readonly Role[] = ['buyer', 'staff']

/**
 * The role and stores an account gets from a create or an update, decided here and nowhere else: admins may
 * make an account a buyer or staff member (and give staff their stores), never an admin, and never change
 * an admin's role; `stores` belong to staff only; everyone else's `role` is kept (or buyer, for a new one).
 */
export function decideRole(req: PayloadRequest, data: { role?: unknown; stores?: unknown }, before: { role?: unknown; stores?: unknown } | undefined) {
  const current: unknown = before ? (before.role ?? 'buyer') : 'buyer'
  let role: unknown = current
  if (roleCan(currentUser(req)?.role, 'users.manage') && data.role !== undefined && data.role !== current) {
    if (current === 'admin' || !GIVEN_BY_ADMINS.includes(data.role as Role)) {
      throw new Forbidden('Admins are made with `npm run create-admin`; an admin’s role is not changed here.')
    }
    role = data.role
  }
  const stores = role === 'staff' ? (data.stores ?? before?.stores ?? []) : []
  return { role, stores }
}
