import type { CollectionBeforeOperationHook, PayloadRequest } from 'payload'

import { accountKey, countLoginFailure, forgetLoginFailures, refuseWhileThrottled } from '../../../shop/loginThrottle'
import { CLIENT_IP_HEADER, clientKey } from '../rateLimit'

/** The login an attempt names (email or username) and the client it comes from; null without a login. */
function attemptOf(req: PayloadRequest, data: Record<string, unknown> | undefined) {
  const login = [data?.email, data?.username].find((v): v is string => typeof v === 'string' && v.trim() !== '')
  if (!login) return null
  return { login, account: accountKey(req.payload.secret, login), ip: clientKey(req.headers.get(CLIENT_IP_HEADER)) }
}

/**
 * A login through the API from an address that has failed too often on this account waits (429,
 * Retry-After) before Payload checks the password (src/shop/loginThrottle.ts). The outcome is counted by
 * `countLoginOutcome`, around Payload's handler (a failure rolls the operation's transaction back).
 */
export const throttleLogins: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  if (operation !== 'login' || req.payloadAPI !== 'REST') return args
  const attempt = attemptOf(req, args.data as Record<string, unknown>)
  if (attempt) await refuseWhileThrottled(req, attempt.account, attempt.ip)
  return args
}

/** Runs a login and counts its outcome: a wrong password is a failure, a success clears this address's. */
export async function countLoginOutcome(req: PayloadRequest, login: () => Promise<Response>): Promise<Response> {
  try {
    const response = await login()
    const attempt = attemptOf(req, req.data)
    if (response.status === 200 && attempt) await forgetLoginFailures(req, attempt.account, attempt.ip)
    return response
  } catch (err) {
    const attempt = attemptOf(req, req.data)
    if ((err as { status?: number }).status === 401 && attempt) await countLoginFailure(req, attempt.account, attempt.ip, attempt.login)
    throw err
  }
}
