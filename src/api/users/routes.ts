// Routes under /api/users beside Payload's own (me, logout, forgot-password …).
import type { Endpoint, Payload, PayloadRequest } from 'payload'
import { jwtSign } from 'payload'
import { generatePayloadCookie } from 'payload/shared'
import { z } from 'zod'

import { defineRoute, json } from '../route'
import { deleteOwnAccount, exportOwnData } from '../../shop/accounts'
import { Forbidden } from '../../shop/errors'
import { countLoginOutcome } from '../../shop/auth/loginThrottle'

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
    description:
      'Also sets the `payload-token` cookie. The account is looked up by `username` when given (matched against usernames and emails), else by `email`, case and surrounding spaces ignored; failures count against that account however the body names it. Counts against the per-IP AUTH_RATE_LIMIT (the client address is the TCP peer, or with TRUST_PROXY what the trusted proxies say). After 5 failed logins to one account from one address, that address waits before trying that account again (429 with Retry-After: 30 s, doubling up to an hour); other addresses are not affected. Over 100 failures an hour across all addresses, the account takes one attempt every 10 s. Accounts are never locked.',
    body: z.object({ email: z.string().optional(), username: z.string().optional(), password: z.string() }),
    parseBody: false,
    responses: {
      200: { description: 'Logged in', schema: userAnswer },
      400: { description: 'Missing email/username or password, or malformed' },
      401: { description: 'Wrong login or password' },
      403: { description: 'The password is right but the account is deactivated (staff and admins who left)' },
      429: { description: 'Too many attempts from this address, or on this account from this address; see Retry-After' },
    },
    handler: ({ req }) => countLoginOutcome(req, () => answerWithCleanToken(req, '/login')),
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
  defineRoute({
    method: 'post',
    path: '/users/forgot-password',
    collection: 'users',
    tag: 'Accounts',
    who: 'public',
    summary: 'Email a password-reset link (200 whether or not the address has an account)',
    description:
      'Buyers get a link to the storefront (STOREFRONT_URL + STOREFRONT_RESET_PATH, `{token}` replaced), staff and admins to the panel. The link works once, for an hour, and the email is in the account’s language. Counts against the per-IP AUTH_RATE_LIMIT.',
    body: z.object({ email: z.string() }),
    parseBody: false,
    responses: {
      200: { description: 'Sent, if the address has an account', schema: z.object({ message: z.string() }).loose() },
      400: { description: 'No email given' },
      429: { description: 'Too many attempts from this address; see Retry-After' },
    },
    handler: ({ req }) => builtIn(req, '/forgot-password').handler(req),
  }),
  defineRoute({
    method: 'post',
    path: '/users/reset-password',
    collection: 'users',
    tag: 'Accounts',
    who: 'public',
    summary: 'Set a new password with the token from the reset link; ends every other session',
    description: 'The password policy applies (400 names the rule). The token works once. Answers like a login.',
    body: z.object({ token: z.string(), password: z.string() }),
    parseBody: false,
    responses: {
      200: { description: 'Password set; logged in with a new session', schema: userAnswer },
      400: { description: 'Missing token or password, or the password breaks a rule (`data.rule`: length, common, identity)' },
      403: { description: 'The token is unknown, used or expired' },
    },
    handler: ({ req }) => answerWithCleanToken(req, '/reset-password'),
  }),
  defineRoute({
    method: 'get',
    path: '/users/me/data',
    collection: 'users',
    tag: 'Accounts',
    who: 'signedIn',
    summary: 'Download everything the shop holds on you: profile, orders with their lines and contact, cart',
    responses: {
      200: {
        description: 'A JSON file (Content-Disposition: attachment)',
        schema: z.object({
          exportedAt: z.string(),
          profile: z.record(z.string(), z.unknown()),
          orders: z.array(z.record(z.string(), z.unknown())),
          cart: z.array(z.record(z.string(), z.unknown())),
        }),
      },
    },
    handler: async ({ req, user }) => {
      const data = await exportOwnData(req, user)
      return new Response(JSON.stringify(data, null, 2), {
        status: 200,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': `attachment; filename="100am-shop-account-${user.id}.json"`, 'Cache-Control': 'no-store' },
      })
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/users/me',
    collection: 'users',
    tag: 'Accounts',
    who: 'signedIn',
    summary: 'Delete your buyer account (with your password); your orders stay for the shop without anything personal',
    description:
      'Login then fails, the email can be registered anew, sessions end. Orders keep their number, lines, amounts, store and status, but lose the buyer and the contact given at checkout. Refused while an order is still open.',
    body: z.object({ password: z.string().min(1) }),
    responses: {
      200: { description: 'Deleted', schema: z.object({ message: z.string() }) },
      400: { description: 'No password, unknown field or malformed body' },
      403: { description: 'Wrong password' },
      409: {
        description:
          'An order is still open (awaiting payment, paid or ready): `data.orders` names them; or the account belongs to staff or an admin, or the stock ledger names it (`data.reason`: named_in_ledger): such accounts are deactivated by an admin, never deleted',
      },
      429: { description: 'Too many wrong passwords for this account from this address; see Retry-After' },
    },
    handler: async ({ req, user, body }) => {
      await deleteOwnAccount(req, user, body.password)
      return json({ message: 'Your account is deleted.' })
    },
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
