// What an operator watches, in Prometheus's format (GET /metrics, never public: see src/http/metrics.ts).
// Counters are per process (Prometheus sums them over the processes it scrapes); the pool gauges read the
// process's own pool at scrape time.
import type { PostgresAdapter } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'
import cluster from 'node:cluster'

import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

export const metrics = new Registry()
collectDefaultMetrics({ register: metrics })
// A web process of a cluster (WEB_CONCURRENCY) answers its primary's requests for these (src/webCluster.ts).
if (cluster.isWorker) {
  AggregatorRegistry.setRegistries([metrics])
  new AggregatorRegistry() // installs the worker's IPC listener
}

export const httpDuration = new Histogram({
  name: 'shop_http_request_duration_seconds',
  help: 'HTTP requests by method, route (a template: ids replaced) and status, with their duration',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metrics],
})

export const CHECKOUT_OUTCOMES = ['paid', 'declined', 'out_of_stock', 'total_changed', 'gateway_timeout', 'too_slow', 'refused', 'error'] as const
export type CheckoutOutcome = (typeof CHECKOUT_OUTCOMES)[number]
export const checkouts = new Counter({
  name: 'shop_checkouts_total',
  help: 'Checkouts by outcome',
  labelNames: ['outcome'] as const,
  registers: [metrics],
})

export const stockMovements = new Counter({
  name: 'shop_stock_movements_total',
  help: 'Stock movements committed, by type (reservation, release, handout, receipt, count, write_off, correction, initial)',
  labelNames: ['type'] as const,
  registers: [metrics],
})

export const jobRuns = new Counter({
  name: 'shop_job_runs_total',
  help: 'Runs of the scheduled tasks, by task and result',
  labelNames: ['task', 'result'] as const,
  registers: [metrics],
})

// Every outcome and task shows from the start (at 0), so a rate over them is defined before the first one.
for (const outcome of CHECKOUT_OUTCOMES) checkouts.inc({ outcome }, 0)

/** The database pool of this process: connections open, idle, and requests waiting for one. */
export function watchPoolMetrics(payload: Payload) {
  const pool = () => (payload.db as unknown as PostgresAdapter).pool
  metrics.removeSingleMetric('shop_db_pool_connections') // one shop per process; a second call replaces it
  new Gauge({
    name: 'shop_db_pool_connections',
    help: 'Database pool of this process: total, idle, in_use connections and waiting requests',
    labelNames: ['state'] as const,
    registers: [metrics],
    collect() {
      const p = pool()
      if (!p) return
      this.set({ state: 'total' }, p.totalCount)
      this.set({ state: 'idle' }, p.idleCount)
      this.set({ state: 'in_use' }, p.totalCount - p.idleCount)
      this.set({ state: 'waiting' }, p.waitingCount)
    },
  })
}

/** A job run, counted as it ends. */
export async function countedRun<T>(task: string, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run()
    jobRuns.inc({ task, result: 'ok' })
    return result
  } catch (err) {
    jobRuns.inc({ task, result: 'failed' })
    throw err
  }
}

/**
 * The route a request is counted under: /api paths with every id-like segment as `:id` (the number of
 * series stays bounded whatever clients ask for), the admin panel as one route, anything else `other`.
 */
export function routeOf(pathname: string): string {
  if (pathname === '/healthz' || pathname === '/metrics' || pathname === '/') return pathname
  if (pathname === '/admin' || pathname.startsWith('/admin/') || pathname.startsWith('/_next/')) return '/admin'
  if (!pathname.startsWith('/api/')) return 'other'
  const [collection, ...rest] = pathname.slice('/api/'.length).split('/')
  if (!collection || !/^[a-z][a-z0-9-]{0,40}$/.test(collection)) return '/api/:unknown'
  const segments = rest.slice(0, 3).map((segment) => (ROUTE_WORDS.has(segment) ? segment : ':id'))
  return ['/api', collection, ...segments].join('/')
}

/** The fixed words of our routes and Payload's (the rest of a path is ids). */
const ROUTE_WORDS = new Set([
  'items', 'ready', 'cancel', 'qr', 'receive', 'count', 'write-off', 'low', 'lookup',
  'login', 'logout', 'me', 'refresh-token', 'first-register', 'forgot-password', 'reset-password', 'unlock', 'access', 'init', 'versions', 'file',
])
