// Serves the real Express app (without Next, so without the storefront) on a free loopback port.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

import type { Payload } from 'payload'

import { createApp } from '../../src/http/app'

export async function serve(payload: Payload) {
  const server = createApp(payload, { storefront: false }).listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type Answer = { status: number; body: any; headers: http.IncomingHttpHeaders; bytes: Buffer }
export type CallOptions = {
  /** The source address (any 127.x.y.z): a client of its own, as the server and any proxy see it. */
  from?: string
  body?: unknown
  token?: string
  headers?: Record<string, string>
  raw?: { bytes: Buffer; type: string }
}

/** One HTTP request on a connection of its own, from a chosen loopback address. */
export function call(base: string, method: string, path: string, opts: CallOptions = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const payload = opts.raw ? opts.raw.bytes : opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body))
    const req = http.request(`${base}${path}`, {
      method,
      agent: false,
      localAddress: opts.from ?? '127.0.0.1',
      headers: {
        ...(payload ? { 'Content-Type': opts.raw?.type ?? 'application/json', 'Content-Length': String(payload.length) } : {}),
        ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const bytes = Buffer.concat(chunks)
        let body: unknown = bytes.toString('utf8')
        try {
          body = JSON.parse(body as string)
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode!, body, headers: res.headers, bytes })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })
}
