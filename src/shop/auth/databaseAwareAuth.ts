// A database that cannot be reached is not an anonymous caller.
//
// Payload treats any error while checking a token as "no user": strategies/jwt.js catches its own errors
// silently and auth/executeAuthStrategies.js catches and logs whatever a strategy throws, then
// createPayloadRequest sets `req.user = null` and the endpoint runs anonymously. So while PostgreSQL was
// restarting, valid tokens got 401 (our routes) and 403 (collections): the storefront dropped the buyer's
// token and the panel sent the clerk to its login page. No error thrown during authentication reaches the
// response, hence two parts, installed together by `databaseAwareAuth`:
// - a strategy, first on the users collection, that runs Payload's own JWT check (extraction with its
//   CSRF rule, signature, session) and watches its one database read: when that read fails for want of a
//   connection, the request is marked;
// - a guard around every endpoint handler (Payload's and ours) that refuses a marked request still without
//   a user with DatabaseUnavailable (503 + Retry-After, errorResponses.ts) before the handler runs.
// 401 keeps meaning only that the token or its session is not valid (that needs no database to tell).
import type { AuthStrategy, Endpoint, PayloadHandler, PayloadRequest, SanitizedConfig } from 'payload'
import { JWTAuthentication } from 'payload'

import { isConnectionError } from '../../db/errors'
import { DatabaseUnavailable } from '../errors'

/** Requests whose token could not be checked because PostgreSQL was unreachable, with that error. */
const unverified = new WeakMap<object, unknown>()

export const DATABASE_AWARE_JWT = 'database-aware-jwt'

export const databaseAwareJWT: AuthStrategy = {
  name: DATABASE_AWARE_JWT,
  authenticate: async (args) => {
    const { payload, req } = args
    let lost: unknown
    // Payload's strategy with a payload whose findByID (the user and their sessions) reports a lost
    // connection to us before Payload swallows it. Everything else is Payload's, unchanged.
    const watched = Object.create(payload, {
      findByID: {
        value: async (options: Parameters<typeof payload.findByID>[0]) => {
          try {
            return await payload.findByID(options)
          } catch (err) {
            if (isConnectionError(err)) lost = err
            throw err
          }
        },
      },
    }) as typeof payload
    // `local-jwt` as the user's _strategy: it is Payload's JWT sign-in, as after a login.
    const result = await JWTAuthentication({ ...args, payload: watched, strategyName: 'local-jwt' })
    if (!result.user && lost !== undefined && req) unverified.set(req, lost)
    // Without a user Payload goes on to its own JWT strategy (a second read, which may find the database
    // back: then the request has its user and the guard lets it through).
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
  config.endpoints = guard(config.endpoints) as SanitizedConfig['endpoints']
  for (const collection of config.collections) collection.endpoints = guard(collection.endpoints) as typeof collection.endpoints
  for (const global of config.globals) global.endpoints = guard(global.endpoints) as typeof global.endpoints
  return config
}
