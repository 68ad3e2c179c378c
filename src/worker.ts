// `npm run worker`: the shop's scheduled work (the settlement of unfinished orders and pickup-hold expiry
// every minute, the buyers' emails every 10 s, the sweep of abandoned job runs) without the public HTTP
// server, for deployments whose web processes run with SHOP_JOBS=off. Several workers at once are safe:
// every decision is a conditional update and emails are claimed with a lease. It answers GET /healthz on
// WORKER_PORT (for the orchestrator) and /metrics (see src/http/metrics.ts), nothing else.
import http from 'node:http'

import { scrubConsole } from './lib/scrub'

scrubConsole() // console output scrubbed as the logger's is, before anything else is loaded
const [{ bootShop }, { env }, { shopHealth }, { answerMetrics, serveMetricsPort }, { watchPoolMetrics }] = await Promise.all([
  import('./boot'),
  import('./env'),
  import('./http/health'),
  import('./http/metrics'),
  import('./metrics'),
])
const shop = await bootShop({ withJobs: true, seedDemo: false })
const { payload } = shop
watchPoolMetrics(payload)
const metricsPort = env.metrics.port ? serveMetricsPort(env.metrics.port) : undefined

const health = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/metrics') return void answerMetrics(res, { open: false, authorization: req.headers.authorization })
  if (req.method !== 'GET' || req.url !== '/healthz') {
    res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'Not found' }] }))
    return
  }
  void shopHealth(payload).then((answer) => {
    res.writeHead(answer.status === 'ok' ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ...answer, role: 'worker' }))
  })
})
health.listen(env.workerPort, () => payload.logger.info(`100am shop worker: jobs running, health on http://localhost:${env.workerPort}/healthz`))

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  payload.logger.info(`${signal}: worker shutting down`)
  health.close()
  health.closeAllConnections()
  metricsPort?.close()
  await shop.stop()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
