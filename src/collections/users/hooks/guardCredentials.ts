import type { CollectionBeforeOperationHook } from 'payload'

import { currentUser } from '../../../access'
import { Forbidden } from '../../../shop/errors'

/**
 * Payload reads `password` before collection hooks see the data, so an update that carries another
 * account's credentials is refused here, before anything is written. Update access is already "self
 * only"; this keeps an account takeover impossible even if that rule is ever widened.
 */
export const guardCredentials: CollectionBeforeOperationHook = ({ args, operation, req }) => {
  if (operation !== 'update') return args
  if (args.overrideAccess === true && !currentUser(req)) return args // trusted server code
  const data = (args.data ?? {}) as Record<string, unknown>
  const touchesCredentials = 'password' in data || 'email' in data || 'username' in data
  if (!touchesCredentials) return args
  const user = currentUser(req)
  // updateByID carries `id`; a bulk update (by `where`) has none and is refused outright.
  const targetId = (args as { id?: number | string }).id
  if (!user || targetId === undefined || String(targetId) !== String(user.id)) {
    throw new Forbidden('Only the account owner can change its email, username or password.')
  }
  return args
}
