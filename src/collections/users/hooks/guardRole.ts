import type { CollectionBeforeChangeHook } from 'payload'

/** Set on `req.context` by the one operation allowed to make admins (create-admin, demo seed). */
export const GRANT_ADMIN = 'grantAdmin'

/**
 * The role is decided here and nowhere else. Field access already drops a client's `role`, but Payload's
 * first-register and any `overrideAccess` call skip field access; this hook does not.
 */
export const guardRole: CollectionBeforeChangeHook = ({ data, originalDoc, operation, req }) => {
  if (req.context[GRANT_ADMIN] === true) return data
  if (operation === 'create') return { ...data, role: 'buyer' }
  return { ...data, role: originalDoc?.role ?? 'buyer' }
}
