import type { CollectionBeforeOperationHook } from 'payload'

import { refuseThrottledLogin } from '../../../shop/auth/loginThrottle'

/**
 * A login through the API from an address that has failed too often on this account waits (429,
 * Retry-After) before Payload checks the password (src/shop/auth/loginThrottle.ts). The outcome is counted
 * by `countLoginOutcome` around Payload's handler (a failure rolls the operation's transaction back).
 */
export const throttleLogins: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation === 'login' && req.payloadAPI === 'REST') await refuseThrottledLogin(req, args.data as Record<string, unknown>)
  return args
}
