import type { CollectionBeforeChangeHook } from 'payload'

import { currentUser } from '../../../access'
import { roleCan } from '../../../access/roles'
import { Forbidden } from '../../../shop/errors'

/** Set on `req.context` by the one operation allowed to make admins (create-admin, demo seed). */
export const GRANT_ADMIN = 'grantAdmin'

/** The roles an admin may give through the API or the panel: never admin (that is `npm run create-admin`). */
const GIVEN_BY_ADMINS = ['buyer', 'staff']

/**
 * The role is decided here and nowhere else. Field access already drops the `role` and `stores` of anyone
 * but an admin, but Payload's first-register and any `overrideAccess` call skip field access; this hook
 * does not. Admins may make an account a buyer or staff member (and give staff their stores), never an
 * admin, and never change an admin's role; `stores` belong to staff only.
 */
export const guardRole: CollectionBeforeChangeHook = ({ data, originalDoc, operation, req }) => {
  if (req.context[GRANT_ADMIN] === true) return data
  const current = operation === 'update' ? (originalDoc?.role ?? 'buyer') : 'buyer'
  let role = current
  if (roleCan(currentUser(req)?.role, 'users.manage') && data.role !== undefined && data.role !== current) {
    if (current === 'admin' || !GIVEN_BY_ADMINS.includes(String(data.role))) {
      throw new Forbidden('Admins are made with `npm run create-admin`; an admin’s role is not changed here.')
    }
    role = data.role
  }
  const stores = role === 'staff' ? (data.stores ?? originalDoc?.stores ?? []) : []
  return { ...data, role, stores }
}
