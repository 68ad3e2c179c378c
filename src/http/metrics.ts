// GET /metrics, never public: on the web port and the worker's port only with `Authorization: Bearer
// METRICS_TOKEN`; on METRICS_PORT (meant for a private network) without it. Neither set: no metrics.
import crypto from 'node:crypto'
import http from 'node:http'

import { env } from '../env'
import { metrics } from '../metrics'

/** Whether an Authorization header carries the metrics token (compared in constant time). */
export function metricsAuthorized(authorization: string | undefined): boolean {
  const token = env.metrics.token
  if (!token || !authorization?.startsWith('Bearer ')) return false
  const given = crypto.createHash('sha256').update(authorization.slice('Bearer '.length)).digest()
  return crypto.timingSafeEqual(given, crypto.createHash('sha256').update(token).digest())
}

/** Answers a /metrics request: 404 when metrics are off here, 401 without the token, else the text. */
export async function answerMetrics(res: http.ServerResponse, { open, authorization }: { open: boolean; authorization?: string }) {
  if (!open && !env.metrics.token) {
    res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'Not found' }] }))
    return
  }
  if (!open && !metricsAuthorized(authorization)) {
    res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer' }).end(JSON.stringify({ errors: [{ message: 'The metrics token is missing or wrong.' }] }))
    return
  }
  const body = await metrics.metrics()
  res.writeHead(200, { 'Content-Type': metrics.contentType }).end(body)
}

/** METRICS_PORT: /metrics without a token, for a scraper on the private network; nothing else. */
export function serveMetricsPort(port: number) {
  return http
    .createServer((req, res) => {
      if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') void answerMetrics(res, { open: true })
      else res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'Not found' }] }))
    })
    .listen(port)
}
