import type { CollectionBeforeOperationHook } from 'payload'

import { asksForCurrentPassword } from '../../../shop/auth/credentials'
import { spendAuthAttempt } from '../../../shop/auth/rateLimit'

/**
 * Login, registration, forgot-password (else anyone could flood a buyer's mailbox with reset emails) and an
 * update carrying `currentPassword` (every such check is a password guess, and a 600k-round hash) draw on
 * the address's budget of auth attempts (src/shop/auth/rateLimit.ts).
 */
export const limitAuthAttempts: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  const counted = operation === 'login' || operation === 'create' || operation === 'forgotPassword' || (operation === 'update' && asksForCurrentPassword(args.data))
  if (counted) await spendAuthAttempt(req)
  return args
}
