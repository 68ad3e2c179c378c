// The Express app: health check, security headers, body limits, and Payload's REST API under /api.
// Built as a function so tests can serve it without Next.
import crypto from 'node:crypto'
import type { Server } from 'node:http'
import { Readable } from 'node:stream'

import express, { type Express, type Request as ExpressRequest, type Response as ExpressResponse } from 'express'
import type { Payload } from 'payload'
import { handleEndpoints } from 'payload'

import { MEDIA_MAX_BYTES } from '../shop/rules'
import { CLIENT_IP_HEADER } from '../shop/auth/clientAddress'
import { isConnectionError, isSyntaxError } from '../db/errors'
import { env } from '../env'
import { FORWARDED_FOR_HEADER, FORWARDED_KEY_HEADER, forwardedClient } from '../lib/forwardedClient'
import { CatalogueCache, catalogueKey, writesCatalogue } from './catalogueCache'
import { crossSiteRefusal } from './crossOrigin'
import { shopHealth } from './health'
import { answerMetrics } from './metrics'
import { requestLanguage } from '../i18n/language'
import { serveResetPage } from './resetPage'
import { requestContext } from '../logging'
import { httpDuration, routeOf, routeTable } from '../metrics'
import { tooLarge } from '../i18n/messages'
import { DATABASE_UNAVAILABLE } from '../shop/errors'

export const JSON_BODY_LIMIT = 100 * 1024
const UPLOAD_BODY_LIMIT = MEDIA_MAX_BYTES + 1024 * 1024

const jsonError = (res: ExpressResponse, status: number, message: string) =>
  res.status(status).json({ errors: [{ message }] })

/** Reads the body up to `limit` bytes; null when it is larger (the caller answers 413). */
function readBody(req: ExpressRequest, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) return Promise.resolve(null)
  // Events, not `for await`: leaving a for-await loop early destroys the request and its socket, and the
  // client would never read the 413.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        stop()
        req.pause()
        resolve(null)
      } else chunks.push(chunk)
    }
    const onEnd = () => {
      stop()
      resolve(Buffer.concat(chunks))
    }
    const onError = (err: Error) => {
      stop()
      reject(err)
    }
    req.on('data', onData)
    req.once('end', onEnd)
    req.once('error', onError)
  })
}

/** How much of a refused body is still read (and dropped) so that the client gets to read the 413. */
export const DISCARD_LIMITS = { bytes: 64 * 1024 * 1024, ms: 10_000 }

/**
 * Reads and drops the rest of a refused body, up to DISCARD_LIMITS: what nginx calls a lingering close.
 * A server that answers and closes while the client is still sending makes most clients (fetch, browsers)
 * fail with a broken pipe instead of reading the answer. True when the client sent everything.
 */
function discardRest(req: ExpressRequest): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true)
  return new Promise((resolve) => {
    let size = 0
    const finish = (complete: boolean) => {
      clearTimeout(timer)
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      if (!complete) req.pause()
      resolve(complete)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > DISCARD_LIMITS.bytes) finish(false)
    }
    const onEnd = () => finish(true)
    const onError = () => finish(false)
    const timer = setTimeout(() => finish(false), DISCARD_LIMITS.ms)
    req.on('data', onData)
    req.once('end', onEnd)
    req.once('error', onError)
    req.resume()
  })
}

/** Answers a refusal once the client has sent what it was sending (see discardRest), closing if need be. */
async function refuseAfterDraining(req: ExpressRequest, res: ExpressResponse, status: number, message: string, { close = false } = {}) {
  const complete = await discardRest(req)
  if (close || !complete) res.setHeader('Connection', 'close')
  jsonError(res, status, message)
  if (!complete) res.once('finish', () => req.socket.destroy())
}

const refuseTooLarge = (req: ExpressRequest, res: ExpressResponse, kind: 'upload' | 'json') =>
  refuseAfterDraining(req, res, 413, tooLarge(kind, requestLanguage(req.headers.cookie, req.headers['accept-language'])), { close: true })

/** Sends a Web Response through Express (cookies kept apart: Express joins repeated headers otherwise). */
function send(res: ExpressResponse, status: number, headers: Iterable<[string, string]>, cookies: string[], body?: Buffer | ReadableStream | null) {
  res.status(status)
  for (const [key, value] of headers) if (key !== 'set-cookie') res.setHeader(key, value)
  if (cookies.length) res.setHeader('Set-Cookie', cookies)
  if (!body) return res.end()
  if (Buffer.isBuffer(body)) return res.end(body)
  Readable.fromWeb(body as import('node:stream/web').ReadableStream).pipe(res)
}

async function api(payload: Payload, req: ExpressRequest, res: ExpressResponse, catalogue: CatalogueCache) {
  // The public catalogue from a short-lived cache (see catalogueCache.ts); writes to it clear the cache.
  const cacheKey = catalogueKey(req.method, req.originalUrl, req.headers)
  if (cacheKey) {
    const cached = await catalogue.get(cacheKey.key, async () => {
      const response = await payloadResponse(payload, req, undefined, { anonymous: cacheKey.anonymous })
      return { status: response.status, headers: [...response.headers], body: Buffer.from(await response.arrayBuffer()) }
    })
    return send(res, cached.status, cached.headers, [], cached.body)
  }
  if (writesCatalogue(req.method, req.originalUrl)) catalogue.clear()

  const contentType = String(req.headers['content-type'] ?? '')
  const limit = contentType.startsWith('multipart/') ? UPLOAD_BODY_LIMIT : JSON_BODY_LIMIT
  let body: Buffer | undefined
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const read = await readBody(req, limit)
    if (read === null) return refuseTooLarge(req, res, contentType.startsWith('multipart/') ? 'upload' : 'json')
    body = read
  }
  let response: Response
  try {
    response = await payloadResponse(payload, req, body)
  } catch (err) {
    // Only reachable outside Payload's own error route (e.g. a method-override body that is not JSON).
    if (isSyntaxError(err)) return jsonError(res, 400, 'Malformed JSON in the request body')
    if (isConnectionError(err)) return jsonError(res, 503, DATABASE_UNAVAILABLE)
    payload.logger.error({ err }, 'Unhandled error in /api')
    return jsonError(res, 500, 'Something went wrong.')
  }
  send(res, response.status, response.headers, response.headers.getSetCookie(), await inOneWrite(response))
}

/** Up to this size an answer is sent whole: one write to the socket with a Content-Length, not chunks. */
const ONE_WRITE_MAX = 256 * 1024

/**
 * The answer's body as one buffer when it is small (JSON, every API answer but photos), else its stream.
 * A stream piped out is chunked: its data and its last chunk are separate writes, and on these VMs each
 * write to a socket costs more than the rest of a cart add (BENCHMARKS.md, "The hot path").
 */
async function inOneWrite(response: Response): Promise<Buffer | ReadableStream | null> {
  const length = Number(response.headers.get('content-length') ?? NaN)
  const small = Number.isFinite(length) ? length <= ONE_WRITE_MAX : /json|text/.test(response.headers.get('content-type') ?? '')
  return small && response.body ? Buffer.from(await response.arrayBuffer()) : response.body
}

/** Hands the request to Payload's REST handler, as a Web Request. */
function payloadResponse(payload: Payload, req: ExpressRequest, body: Buffer | undefined, { anonymous = false } = {}): Promise<Response> {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  // An answer the same for everyone is made as for anonymous (and served to everyone from the cache).
  if (anonymous) for (const name of ['authorization', 'cookie']) headers.delete(name)
  for (const name of [FORWARDED_FOR_HEADER, FORWARDED_KEY_HEADER]) headers.delete(name)
  // The address the auth rate limit counts by (see clientAddress). `set` replaces whatever the client
  // itself sent under this name.
  headers.set(CLIENT_IP_HEADER, clientAddress(req))
  headers.set(REQUEST_ID_HEADER, String(req.headers[REQUEST_ID_HEADER]))
  const url = new URL(req.originalUrl, `http://${req.headers.host ?? 'localhost'}`)
  const request = new Request(url, {
    method: req.method,
    headers,
    body: body && body.length > 0 ? new Uint8Array(body) : undefined,
  })

  return handleEndpoints({ config: payload.config, request })
}

/**
 * The client's address: the socket's peer, or with TRUST_PROXY what the trusted proxies say in
 * X-Forwarded-For (Express's `req.ip`: the rightmost address that is not a trusted proxy, so a client that
 * writes its own X-Forwarded-For only adds addresses on the left, which are never read); for a call the
 * storefront's server makes for a buyer on this machine, the buyer's (src/lib/forwardedClient.ts).
 */
const clientAddress = (req: ExpressRequest) =>
  forwardedClient(req.socket.remoteAddress, header(req, FORWARDED_FOR_HEADER), header(req, FORWARDED_KEY_HEADER), env.secret) ?? req.ip ?? req.socket.remoteAddress ?? ''
const header = (req: ExpressRequest, name: string) => {
  const value = req.headers[name]
  return Array.isArray(value) ? undefined : value
}

export const REQUEST_ID_HEADER = 'x-request-id'
const REQUEST_ID = /^[\w.:-]{1,128}$/

/**
 * The request's id: the one a trusted proxy gave it (X-Request-Id, so one id follows the request through
 * the proxy's log and ours), else a new one. A client's own header is not taken: it could make its requests
 * look like someone else's in the log.
 */
function requestId(req: ExpressRequest): string {
  const given = req.headers[REQUEST_ID_HEADER]
  const fromProxy = (req.app.get('trust proxy fn') as (addr: string, i: number) => boolean)(req.socket.remoteAddress ?? '', 0)
  return fromProxy && typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID()
}

/** What Next answers besides the API: the panel and its assets, and with the storefront everything else. */
export const nextServes = (path: string, storefront: boolean) => storefront || /^\/(admin|_next)(\/|$)/.test(path)

/** `storefront`: whether Next serves the storefront behind this app (then / and /reset-password are its). */
export function createApp(payload: Payload, { api: serveApi = true, storefront = env.storefrontPages }: { api?: boolean; storefront?: boolean } = {}): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', env.trustProxy)
  // The routes requests are counted under: the config's, a fixed set (anything else is `unmatched`).
  const routes = routeTable(payload.config)
  app.use((req, res, nextMiddleware) => {
    // The client address for the auth rate limit, also on requests that go on to Next (API_VIA=next):
    // a client's own header of that name never gets through (payloadResponse sets it again from rawHeaders).
    req.headers[CLIENT_IP_HEADER] = clientAddress(req)
    const id = requestId(req)
    req.headers[REQUEST_ID_HEADER] = id
    res.setHeader('X-Request-Id', id)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'same-origin')
    res.setHeader('X-Frame-Options', 'SAMEORIGIN')
    const started = process.hrtime.bigint()
    res.once('finish', () => {
      const route = routeOf(req.originalUrl.split('?')[0] ?? '', routes)
      httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9)
    })
    requestContext.run({ requestId: id }, nextMiddleware)
  })

  // A state-changing request that signs in with the auth cookie counts only from the shop's own origin and
  // the storefronts (the config's `csrf` list: SERVER_URL and CORS_ORIGINS); see crossOrigin.ts.
  const authCookie = `${payload.config.cookiePrefix}-token`
  app.use((req, res, nextMiddleware) => {
    const refusal = crossSiteRefusal(req.method, req.headers, payload.config.csrf, authCookie)
    if (!refusal) return nextMiddleware()
    // The Referer's origin only: its path and query may carry what is not the log's business.
    const referer = req.headers.referer ? URL.parse(req.headers.referer)?.origin : undefined
    payload.logger.info({ method: req.method, path: req.path, origin: req.headers.origin, referer, site: req.headers['sec-fetch-site'] }, 'Cross-site request with the sign-in cookie refused')
    void refuseAfterDraining(req, res, 403, `Cross-site request refused: ${refusal}.`)
  })

  app.get('/metrics', (req, res) => void answerMetrics(res, { open: false, authorization: req.headers.authorization }))

  app.get('/healthz', async (_req, res) => {
    const health = await shopHealth(payload)
    res.status(health.status === 'ok' ? 200 : 503).json(health)
  })

  // Without it (API_VIA=next), /api falls through to Next's route: for the benchmark's comparison.
  const catalogue = new CatalogueCache(env.catalogueCacheMs)
  // Answers under way, each until its handler has finished (a checkout whose client went away still
  // finishes its steps) and its response is handed to the OS: a graceful stop waits for them.
  const inFlight = new Set<Promise<unknown>>()
  if (serveApi) app.all('/api/{*rest}', (req, res) => {
    const closed = new Promise<void>((resolve) => res.once('close', resolve))
    const handled = api(payload, req, res, catalogue).catch((err) => {
      payload.logger.error({ err }, 'Failed to answer /api')
      if (!res.headersSent) jsonError(res, 500, 'Something went wrong.')
      else res.destroy()
    })
    const answering = Promise.all([handled, closed])
    inFlight.add(answering)
    void answering.then(() => inFlight.delete(answering))
  })
  app.locals.apiInFlight = inFlight

  // Without the storefront (SHOP_STOREFRONT=off), / says where things are, and in development the reset
  // links of the emails land on a small page of the shop's own; with it, the storefront has both.
  if (!storefront) {
    if (!env.isProduction) serveResetPage(app)
    app.get('/', (_req, res) => {
      res.json({ shop: '100am shop', api: '/api', admin: '/admin', health: '/healthz' })
    })
  }

  return app
}

/**
 * Stops taking connections and lets the /api requests under way finish, up to `graceMs`, before the rest
 * are cut: a checkout between its charge and its commit must not lose its database half way. The caller
 * stops the shop (and its database) afterwards.
 */
export async function closeGracefully(app: Express, server: Server, graceMs = 10_000) {
  server.close()
  const inFlight = app.locals.apiInFlight as Set<Promise<unknown>>
  const deadline = Date.now() + graceMs
  // Again until none is left: a keep-alive connection may bring one more request while others finish.
  while (inFlight.size > 0 && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => (timer = setTimeout(r, deadline - Date.now())))])
    clearTimeout(timer)
  }
  server.closeAllConnections()
}
