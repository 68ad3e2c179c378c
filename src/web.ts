// A web process: the Express app (src/http/app.ts) plus Next for the admin panel (not loaded at all with
// SHOP_ADMIN=off: an API-only process, lighter by Next's memory). Started by src/server.ts, alone or as
// one of WEB_CONCURRENCY cluster workers.
// One Payload instance per process: Next's admin pages call getPayload(), which returns the instance
// booted here (Payload caches it on the process's global).
import cluster from 'node:cluster'

import { bootShop } from './boot'
import { env, projectRoot } from './env'
import { closeGracefully, createApp, nextServes } from './http/app'
import { serveMetricsPort } from './http/metrics'
import { watchPoolMetrics } from './metrics'

// With SHOP_JOBS=off the scheduled work is left to `npm run worker` (src/worker.ts).
const shop = await bootShop({ withJobs: env.webRunsJobs })
const { payload } = shop
watchPoolMetrics(payload)
// In a cluster the primary serves METRICS_PORT, summed over its web processes (src/webCluster.ts).
const metricsPort = env.metrics.port && cluster.isPrimary ? serveMetricsPort(env.metrics.port) : undefined
const app = createApp(payload, { api: env.apiVia === 'express' })

let nextApp: { close: () => Promise<void> } | undefined
if (env.adminPanel) {
  const { default: next } = await import('next')
  const loaded = next({ dev: !env.isProduction, dir: projectRoot })
  await loaded.prepare()
  const nextHandler = loaded.getRequestHandler()
  // SHOP_STOREFRONT=off: Next serves the panel (and its assets) only.
  app.all('/{*rest}', (req, res) => {
    if (!nextServes(req.path, env.storefrontPages)) return void res.status(404).json({ errors: [{ message: 'Not found' }] })
    return nextHandler(req, res)
  })
  nextApp = loaded
} else {
  app.all('/{*rest}', (_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found: this process serves the API only (SHOP_ADMIN=off).' }] })
  })
}

const server = app.listen(env.port, () => {
  payload.logger.info(`100am shop on http://localhost:${env.port} (${env.adminPanel ? 'admin panel at /admin, ' : 'API only, '}REST at /api)`)
})

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  payload.logger.info(`${signal}: shutting down`)
  metricsPort?.close()
  await closeGracefully(app, server)
  await nextApp?.close().catch(() => {})
  await shop.stop()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
