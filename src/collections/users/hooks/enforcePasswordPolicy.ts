import type { CollectionBeforeOperationHook } from 'payload'

import { refuseWeakPassword } from '../../../shop/auth/passwordPolicy'

/** Registration, a password change and a reset: the new password is checked before anything is written. */
export const enforcePasswordPolicy: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation !== 'create' && operation !== 'update' && operation !== 'resetPassword') return args
  await refuseWeakPassword(req, operation, (args.data ?? {}) as Record<string, unknown>, (args as { id?: number | string }).id)
  return args
}
