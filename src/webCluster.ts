// WEB_CONCURRENCY=N: N web processes on one machine behind one port (node:cluster hands connections out
// round-robin). The primary provides the database (it starts the embedded one, so that the N processes
// share it), forks the web processes (only the first runs the scheduled work, when SHOP_JOBS is on),
// forks a new one when one dies, serves METRICS_PORT summed over all of them, and stops them gracefully.
// Each web process has its own pool: N × DB_POOL_MAX connections (see DEPLOY.md).
import cluster, { type Worker } from 'node:cluster'
import http from 'node:http'

import { AggregatorRegistry } from 'prom-client'

import { provideDatabase } from './db/database'
import { env } from './env'

const RESTART_DELAY_MS = 1000
const STOP_GRACE_MS = 30_000

export async function runWebCluster(processes: number) {
  const log = (line: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, name: 'cluster', msg: line }))
  // Started here, once: the web processes inherit its URL (setDatabaseUrl puts it in process.env).
  const database = await provideDatabase(log)
  let stopping = false
  const slots = new Map<Worker, number>()

  const fork = (slot: number) => {
    const worker = cluster.fork({ SHOP_JOBS: slot === 0 && env.webRunsJobs ? 'on' : 'off', SHOP_WEB_SLOT: String(slot) })
    slots.set(worker, slot)
  }
  cluster.on('exit', (worker, code, signal) => {
    const slot = slots.get(worker) ?? 0
    slots.delete(worker)
    if (stopping) return
    log(`Web process ${worker.process.pid} (slot ${slot}) exited (${signal ?? code}); starting another`)
    setTimeout(() => !stopping && fork(slot), RESTART_DELAY_MS)
  })
  for (let slot = 0; slot < processes; slot++) fork(slot)
  log(`${processes} web processes on port ${env.port}`)

  const metrics = env.metrics.port ? serveClusterMetrics(env.metrics.port) : undefined

  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping ${slots.size} web processes`)
    metrics?.close()
    const workers = [...slots.keys()]
    const exited = Promise.all(workers.map((w) => (w.isDead() ? undefined : new Promise((resolve) => w.once('exit', resolve)))))
    for (const worker of workers) worker.process.kill('SIGTERM')
    const timer = setTimeout(() => workers.forEach((w) => !w.isDead() && w.process.kill('SIGKILL')), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
    await database.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

/** METRICS_PORT in a cluster: every web process's metrics, summed (prom-client asks each over IPC). */
function serveClusterMetrics(port: number) {
  const aggregator = new AggregatorRegistry()
  return http
    .createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'Not found' }] }))
        return
      }
      aggregator.clusterMetrics().then(
        (text) => res.writeHead(200, { 'Content-Type': aggregator.contentType }).end(text),
        (err: Error) => res.writeHead(503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ message: `Metrics unavailable: ${err.message}` }] })),
      )
    })
    .listen(port)
}
