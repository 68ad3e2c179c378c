// The HTTP server: the Express app (src/http/app.ts) plus Next for the admin panel.
// One Payload instance per process: Next's admin pages call getPayload(), which returns the instance
// booted here (Payload caches it on the process's global).
import next from 'next'

import { bootShop } from './boot'
import { env, projectRoot } from './env'
import { closeGracefully, createApp } from './http/app'
import { serveMetricsPort } from './http/metrics'
import { watchPoolMetrics } from './metrics'

// With SHOP_JOBS=off the scheduled work is left to `npm run worker` (src/worker.ts).
const shop = await bootShop({ withJobs: env.webRunsJobs })
const { payload } = shop
watchPoolMetrics(payload)
const metricsPort = env.metrics.port ? serveMetricsPort(env.metrics.port) : undefined
const app = createApp(payload, { api: env.apiVia === 'express' })

const nextApp = next({ dev: !env.isProduction, dir: projectRoot })
await nextApp.prepare()
const nextHandler = nextApp.getRequestHandler()
app.all('/{*rest}', (req, res) => nextHandler(req, res))

const server = app.listen(env.port, () => {
  payload.logger.info(`100am shop on http://localhost:${env.port} (admin panel at /admin, REST at /api)`)
})

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  payload.logger.info(`${signal}: shutting down`)
  metricsPort?.close()
  await closeGracefully(app, server)
  await nextApp.close().catch(() => {})
  await shop.stop()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
