// The Express app: health check, security headers, body limits, and Payload's REST API under /api.
// Built as a function so tests can serve it without Next.
import { Readable } from 'node:stream'

import express, { type Express, type Request as ExpressRequest, type Response as ExpressResponse } from 'express'
import type { PostgresAdapter } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'
import { handleEndpoints } from 'payload'

import { MEDIA_MAX_BYTES } from '../collections/media'
import { isConnectionError, isSyntaxError } from '../db/errors'
import { DATABASE_UNAVAILABLE } from '../shop/errors'

export const JSON_BODY_LIMIT = 100 * 1024
const UPLOAD_BODY_LIMIT = MEDIA_MAX_BYTES + 1024 * 1024

const jsonError = (res: ExpressResponse, status: number, message: string) =>
  res.status(status).json({ errors: [{ message }] })

/** Reads the body up to `limit` bytes; null when it is larger (the caller answers 413). */
async function readBody(req: ExpressRequest, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) return null
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) return null
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

async function api(payload: Payload, req: ExpressRequest, res: ExpressResponse) {
  const contentType = String(req.headers['content-type'] ?? '')
  const limit = contentType.startsWith('multipart/') ? UPLOAD_BODY_LIMIT : JSON_BODY_LIMIT
  let body: Buffer | undefined
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const read = await readBody(req, limit)
    if (read === null) {
      res.setHeader('Connection', 'close')
      return jsonError(res, 413, `Request body too large (limit ${Math.round(limit / 1024)} KB)`)
    }
    body = read
  }
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const url = new URL(req.originalUrl, `http://${req.headers.host ?? 'localhost'}`)
  const request = new Request(url, {
    method: req.method,
    headers,
    body: body && body.length > 0 ? new Uint8Array(body) : undefined,
  })

  let response: Response
  try {
    response = await handleEndpoints({ config: payload.config, request })
  } catch (err) {
    // Only reachable outside Payload's own error route (e.g. a method-override body that is not JSON).
    if (isSyntaxError(err)) return jsonError(res, 400, 'Malformed JSON in the request body')
    if (isConnectionError(err)) return jsonError(res, 503, DATABASE_UNAVAILABLE)
    payload.logger.error({ err }, 'Unhandled error in /api')
    return jsonError(res, 500, 'Something went wrong.')
  }

  res.status(response.status)
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') res.setHeader(key, value)
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length) res.setHeader('Set-Cookie', cookies)
  if (!response.body) return res.end()
  Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res)
}

export function createApp(payload: Payload): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', 'loopback')
  app.use((_req, res, nextMiddleware) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'same-origin')
    res.setHeader('X-Frame-Options', 'SAMEORIGIN')
    nextMiddleware()
  })

  app.get('/healthz', async (_req, res) => {
    const pool = (payload.db as unknown as PostgresAdapter).pool
    try {
      await Promise.race([
        pool.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
      ])
      res.json({ status: 'ok', database: 'up' })
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'down' })
    }
  })

  app.all('/api/{*rest}', (req, res) => {
    api(payload, req, res).catch((err) => {
      payload.logger.error({ err }, 'Failed to answer /api')
      if (!res.headersSent) jsonError(res, 500, 'Something went wrong.')
      else res.destroy()
    })
  })

  app.get('/', (_req, res) => {
    res.json({ shop: '100am shop', api: '/api', admin: '/admin', health: '/healthz' })
  })

  return app
}
