// Routes under /api/users beside Payload's own (me, logout, forgot-password …).
import type { Endpoint, Payload, PayloadRequest } from 'payload'
import { jwtSign } from 'payload'
import { generatePayloadCookie } from 'payload/shared'
import { z } from 'zod'

import { defineRoute } from '../../../api/route'
import { Forbidden } from '../../../shop/errors'

/**
 * Payload puts the account's email into every token it signs (login, refresh, password reset). A token
 * travels in headers, proxies' logs and browser storage, so ours carry only what access needs: the user's
 * id, role and stores and the session. The claims are taken from Payload's token and signed again with the
 * same secret and lifetime; Payload verifies a token by its signature and session, never by its email.
 */
async function tokenWithoutPersonalData(payload: Payload, token: string) {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
  const { email: _email, iat: _iat, exp: _exp, ...fieldsToSign } = claims
  return jwtSign({ fieldsToSign, secret: payload.secret, tokenExpiration: payload.collections.users.config.auth.tokenExpiration })
}

/** Payload's own handler for `path` (appended after ours, so the last match). */
function builtIn(req: PayloadRequest, path: string): Endpoint {
  const endpoints = (req.payload.collections.users.config.endpoints || []) as Endpoint[]
  const matches = endpoints.filter((e) => e.path === path && e.method === 'post')
  return matches[matches.length - 1]!
}

/** Runs Payload's handler for `path`, then gives its answer (body and cookie) a token without the email. */
async function answerWithCleanToken(req: PayloadRequest, path: string): Promise<Response> {
  const response = await builtIn(req, path).handler(req)
  if (response.status !== 200) return response
  const body = (await response.json()) as Record<string, unknown>
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  if (typeof body.token !== 'string' && typeof body.refreshedToken !== 'string') return Response.json(body, { status: 200, headers })
  const { token, exp } = await tokenWithoutPersonalData(req.payload, String(body.token ?? body.refreshedToken))
  const prefix = `${req.payload.config.cookiePrefix}-token=`
  headers.delete('set-cookie')
  for (const cookie of response.headers.getSetCookie()) {
    const auth = req.payload.collections.users.config.auth
    headers.append('Set-Cookie', cookie.startsWith(prefix) ? generatePayloadCookie({ collectionAuthConfig: auth, cookiePrefix: req.payload.config.cookiePrefix, token }) : cookie)
  }
  return Response.json({ ...body, ...('token' in body && { token }), ...('refreshedToken' in body && { refreshedToken: token }), exp }, { status: 200, headers })
}

const userAnswer = z
  .object({
    message: z.string(),
    token: z.string().describe('A JWT with the user’s id, role and stores: nothing personal. Send it as `Authorization: Bearer <token>`'),
    exp: z.number().int().describe('Expiry, seconds since the epoch'),
    user: z.record(z.string(), z.unknown()).describe('The account, as its owner reads it'),
  })
  .loose()

export const userRoutes = [
  defineRoute({
    method: 'post',
    path: '/users/login',
    collection: 'users',
    tag: 'Accounts',
    who: 'public',
    summary: 'Log in with email or username and password: a token and the account',
    description: 'Also sets the `payload-token` cookie. Counts against the per-IP AUTH_RATE_LIMIT.',
    body: z.object({ email: z.string().optional(), username: z.string().optional(), password: z.string() }),
    parseBody: false,
    responses: {
      200: { description: 'Logged in', schema: userAnswer },
      400: { description: 'Missing email/username or password, or malformed' },
      401: { description: 'Wrong login or password, or the account is locked' },
      429: { description: 'Too many attempts from this address; see Retry-After' },
    },
    handler: ({ req }) => answerWithCleanToken(req, '/login'),
  }),
  defineRoute({
    method: 'post',
    path: '/users/refresh-token',
    collection: 'users',
    tag: 'Accounts',
    who: 'signedIn',
    summary: 'A fresh token for the current session',
    responses: {
      200: {
        description: 'Refreshed',
        schema: z.object({ message: z.string(), refreshedToken: z.string(), exp: z.number().int(), user: z.record(z.string(), z.unknown()) }).loose(),
      },
    },
    handler: ({ req }) => answerWithCleanToken(req, '/refresh-token'),
  }),
  /**
   * Payload's first-register creates the first account with access checks bypassed. On an empty production
   * database that would hand the shop to whoever calls first; admins come from `npm run create-admin`.
   */
  defineRoute({
    method: 'post',
    path: '/users/first-register',
    collection: 'users',
    tag: 'Accounts',
    who: 'public',
    summary: 'Switched off: admins are made with `npm run create-admin`',
    responses: { 403: { description: 'Always' } },
    handler: () => {
      throw new Forbidden('First-user registration is disabled. Create an admin with `npm run create-admin`.')
    },
  }),
]
