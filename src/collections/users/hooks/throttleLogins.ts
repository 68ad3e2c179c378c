import type { CollectionBeforeOperationHook, PayloadRequest } from 'payload'

import { countLoginFailure, forgetLoginFailures, type LoginAttempt, loginAttempt, loginLookup, refuseWhileThrottled } from '../../../shop/loginThrottle'
import { CLIENT_IP_HEADER, clientKey } from '../rateLimit'

/**
 * The attempt a login body makes: on the account Payload will look up, however the body names it (email,
 * username, both, any case or padding), from the client's address. Null when it names no login.
 * Resolved once per request: the hook and the outcome count the same account.
 */
async function attemptOf(req: PayloadRequest, data: Record<string, unknown> | undefined): Promise<LoginAttempt | null> {
  const cached = req.context.loginAttempt as LoginAttempt | null | undefined
  if (cached !== undefined) return cached
  const lookup = loginLookup(data)
  const attempt = lookup === null ? null : await loginAttempt(req, lookup, clientKey(req.headers.get(CLIENT_IP_HEADER)))
  req.context.loginAttempt = attempt
  return attempt
}

/**
 * A login through the API from an address that has failed too often on this account waits (429,
 * Retry-After) before Payload checks the password (src/shop/loginThrottle.ts). The outcome is counted by
 * `countLoginOutcome`, around Payload's handler (a failure rolls the operation's transaction back).
 */
export const throttleLogins: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation !== 'login' || req.payloadAPI !== 'REST') return args
  const attempt = await attemptOf(req, args.data as Record<string, unknown>)
  if (attempt) await refuseWhileThrottled(req, attempt)
  return args
}

/** Runs a login and counts its outcome: a wrong password is a failure, a success clears this address's. */
export async function countLoginOutcome(req: PayloadRequest, login: () => Promise<Response>): Promise<Response> {
  try {
    const response = await login()
    const attempt = await attemptOf(req, req.data)
    if (response.status === 200 && attempt) await forgetLoginFailures(req, attempt)
    return response
  } catch (err) {
    const attempt = await attemptOf(req, req.data)
    if ((err as { status?: number }).status === 401 && attempt) await countLoginFailure(req, attempt)
    throw err
  }
}
