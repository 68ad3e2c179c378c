import type { CollectionBeforeOperationHook } from 'payload'

import { userCan } from '../../../access'
import { env } from '../../../env'
import { TooManyRequests } from '../../../shop/errors'
import { CLIENT_IP_HEADER, clientKey, countAuthAttempt } from '../rateLimit'
import { asksForCurrentPassword } from './guardCredentials'

/**
 * Login (`POST /api/users/login`), registration (`POST /api/users`), password-reset requests
 * (`POST /api/users/forgot-password`) and credential changes with `currentPassword` draw on one budget per
 * client IP:
 * AUTH_RATE_LIMIT attempts a minute, counted in PostgreSQL across processes (../rateLimit.ts). Every REST
 * attempt counts, successful or not; the one over the limit is refused with 429 before Payload looks at
 * it, so it creates no account and raises no account's failed-login counter. Failed logins are also
 * throttled per account and address on top of this (src/shop/loginThrottle.ts); no account is ever locked.
 *
 * Not counted: the Local API (seed, create-admin, server code) and admins, who create accounts as staff.
 */
export const limitAuthAttempts: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  // Forgot-password too: otherwise anyone could flood a buyer's mailbox with reset emails. And an update that
  // carries `currentPassword`: every such check is a password guess (and a 600k-round hash).
  const counted = operation === 'login' || operation === 'create' || operation === 'forgotPassword' || (operation === 'update' && asksForCurrentPassword(args.data))
  if (!counted) return args
  const limit = env.authRateLimit
  if (limit <= 0 || req.payloadAPI !== 'REST' || userCan(req, 'users.manage')) return args
  const { count, retryAfter } = await countAuthAttempt(req.payload, clientKey(req.headers.get(CLIENT_IP_HEADER)))
  if (count > limit) {
    throw new TooManyRequests(`Too many login or registration attempts from your address; try again in ${retryAfter} s.`, retryAfter)
  }
  return args
}
