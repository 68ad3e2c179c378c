import type { CollectionAfterOperationHook, CollectionBeforeOperationHook } from 'payload'

import { checkCredentialChange, tellOldAddressAfter } from '../../../shop/auth/credentials'

/** Email, username and password change only by their owner, with `currentPassword` (src/shop/auth/credentials.ts). */
export const guardCredentials: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation !== 'update') return args
  const { currentPassword, ...data } = (args.data ?? {}) as Record<string, unknown>
  args.data = data // not a field: never stored
  await checkCredentialChange(req, data, currentPassword, (args as { id?: number | string }).id, args.overrideAccess === true)
  return args
}

/** After an owner's new email: the old address is told. */
export const guardCredentialsAfter: CollectionAfterOperationHook = async ({ operation, req, result }) => {
  if (operation === 'updateByID') tellOldAddressAfter(req, result as { email?: string } | undefined)
  return result
}
