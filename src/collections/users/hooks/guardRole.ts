import type { CollectionBeforeChangeHook } from 'payload'

import { decideRole, GRANT_ADMIN } from '../../../shop/roleAssignment'

/**
 * Field access already drops the `role` and `stores` of anyone but an admin, but Payload's first-register
 * and any `overrideAccess` call skip field access; this hook does not (src/shop/roleAssignment.ts decides).
 */
export const guardRole: CollectionBeforeChangeHook = ({ data, originalDoc, operation, req }) => {
  if (req.context[GRANT_ADMIN] === true) return data
  return { ...data, ...decideRole(req, data, operation === 'update' ? (originalDoc ?? {}) : undefined) }
}
