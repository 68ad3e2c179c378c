// Who is asking, checked in one prepared statement, and a database that cannot be reached is not an
// anonymous caller.
//
// The strategy runs Payload's own JWT check (extraction with its CSRF rule for the cookie, signature,
// expiry, the token format's version, the session id) but answers its one database read, the account by
// id, from `sessionUser`: one prepared statement for the account if it still exists and is active, its
// role and pickup points and its unexpired sessions. So logging out, a session's expiry, a deleted or
// deactivated account and a changed role or set of pickup points all take effect on the next request.
// Payload's own `local-jwt` strategy, which would read the whole account through drizzle (and accepts an
// expired session still in the list), is taken out of the chain at init (`databaseAwareAuth`).
//
// Payload treats any error while checking a token as "no user": strategies/jwt.js catches its own errors
// silently and createPayloadRequest then runs the endpoint anonymously. So while PostgreSQL was restarting,
// valid tokens got 401 (our routes) and 403 (collections): the storefront dropped the buyer's token and the
// panel sent the clerk to its login page. Hence the second part, a guard around every endpoint handler
// (Payload's and ours) that refuses a request whose read failed for want of a connection, still without a
// user, with DatabaseUnavailable (503 + Retry-After, errorResponses.ts) before the handler runs.
// 401 keeps meaning only that the token or its session is not valid (that needs no database to tell).
import type { AuthStrategy, Endpoint, PayloadHandler, PayloadRequest, SanitizedConfig } from 'payload'
import { JWTAuthentication } from 'payload'

import { isConnectionError } from '../../db/errors'
import { DatabaseUnavailable } from '../errors'
import { sessionUser } from './sessionUser'

/** Requests whose token could not be checked because PostgreSQL was unreachable, with that error. */
const unverified = new WeakMap<object, unknown>()

export const DATABASE_AWARE_JWT = 'database-aware-jwt'
/** Payload's own JWT strategy, which this one replaces. */
const PAYLOAD_JWT = 'local-jwt'

export const databaseAwareJWT: AuthStrategy = {
  name: DATABASE_AWARE_JWT,
  authenticate: async (args) => {
    const { payload, req } = args
    let lost: unknown
    // Payload's strategy with a payload whose findByID (the account behind the token) is ours.
    const slim = Object.create(payload, {
      findByID: {
        value: async ({ id }: { id: number | string }) => {
          try {
            return await sessionUser(payload, id)
          } catch (err) {
            if (isConnectionError(err)) lost = err
            throw err
          }
        },
      },
    }) as typeof payload
    // `local-jwt` as the user's _strategy: it is Payload's JWT sign-in, as after a login.
    const result = await JWTAuthentication({ ...args, payload: slim, strategyName: PAYLOAD_JWT })
    if (!result.user && lost !== undefined && req) unverified.set(req, lost)
    return result
  },
}

function guarded(handler: PayloadHandler): PayloadHandler {
  return (req: PayloadRequest) => {
    if (!req.user && unverified.has(req)) throw new DatabaseUnavailable(unverified.get(req))
    return handler(req)
  }
}

const guard = (endpoints: Endpoint[] | false | undefined) =>
  Array.isArray(endpoints) ? endpoints.map((endpoint) => ({ ...endpoint, handler: guarded(endpoint.handler) })) : endpoints

/**
 * Installs both parts on the sanitized config (only then are Payload's own endpoints in it). New endpoint
 * objects: Payload shares its default ones between collections.
 */
export function databaseAwareAuth(config: SanitizedConfig): SanitizedConfig {
  const users = config.collections.find((c) => c.slug === config.admin.user)
  if (!users?.auth) throw new Error(`databaseAwareAuth: no auth collection "${config.admin.user}"`)
  users.auth.strategies = [databaseAwareJWT, ...users.auth.strategies.filter((s) => s.name !== DATABASE_AWARE_JWT)]
  // Payload appends its own JWT strategy at init, after the collections' (payload/dist/index.js); a token
  // this strategy refuses must not get a second chance there.
  const init = config.onInit
  config.onInit = async (payload) => {
    payload.authStrategies = payload.authStrategies.filter((s) => s.name !== PAYLOAD_JWT)
    await init?.(payload)
  }
  config.endpoints = guard(config.endpoints) as SanitizedConfig['endpoints']
  for (const collection of config.collections) collection.endpoints = guard(collection.endpoints) as typeof collection.endpoints
  for (const global of config.globals) global.endpoints = guard(global.endpoints) as typeof global.endpoints
  return config
}
