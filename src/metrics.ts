// What an operator watches, in Prometheus's format (GET /metrics, never public: see src/http/metrics.ts).
// Counters are per process (Prometheus sums them over the processes it scrapes); the pool gauges read the
// process's own pool at scrape time.
import type { Payload } from 'payload'
import cluster from 'node:cluster'

import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { postgresOf } from './db/adapter'

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
  const pool = () => postgresOf(payload).pool
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

/** The one label of every request that is none of the shop's routes (clients choose those paths freely). */
export const UNMATCHED = 'unmatched'

/** Routes outside the API, by path (`/admin` also stands for everything under it and Next's assets). */
const FIXED_ROUTES = ['/', '/healthz', '/metrics', '/reset-password', '/admin']

type Template = { parts: Array<string | null>; label: string } // null: a parameter
/** The API's routes, grouped as Payload looks them up: by collection, by global, and the root's. */
export type RouteTable = { collections: Map<string, Template[]>; globals: Map<string, Template[]>; root: Template[]; labels: Set<string> }

type EndpointLike = { path: string }
export type RoutedConfig = {
  collections: Array<{ slug: string; endpoints?: EndpointLike[] | false }>
  globals?: Array<{ slug: string; endpoints?: EndpointLike[] | false }>
  endpoints?: EndpointLike[]
}

/**
 * A path template (`/:id/qr`, `/access/:id?`) as the templates it matches: an optional last parameter
 * gives two. Every parameter is labelled `:id`, whatever its name.
 */
function templatesOf(prefix: string, path: string): Template[] {
  const segments = path.split('/').filter(Boolean)
  const optional = segments.length > 0 && /^:\w+\?$/.test(segments[segments.length - 1]!)
  const variants = optional ? [segments, segments.slice(0, -1)] : [segments]
  return variants.map((variant) => {
    const parts = variant.map((segment) => (segment.startsWith(':') ? null : segment.toLowerCase()))
    return { parts, label: [prefix, ...parts.map((p) => p ?? ':id')].join('/') }
  })
}

/**
 * The routes requests are counted under, from the config's endpoints: the shop's own (declared with
 * defineRoute) and Payload's, per collection and global. A fixed set: clients cannot add labels.
 */
export function routeTable(config: RoutedConfig): RouteTable {
  const build = (prefix: string, endpoints: EndpointLike[] | false | undefined) => (endpoints || []).flatMap((e) => templatesOf(prefix, e.path))
  const table: RouteTable = {
    collections: new Map(config.collections.map((c) => [c.slug, build(`/api/${c.slug}`, c.endpoints)])),
    globals: new Map((config.globals ?? []).map((g) => [g.slug, build(`/api/globals/${g.slug}`, g.endpoints)])),
    root: build('/api', config.endpoints),
    labels: new Set([...FIXED_ROUTES, UNMATCHED]),
  }
  for (const templates of [...table.collections.values(), ...table.globals.values(), table.root]) for (const t of templates) table.labels.add(t.label)
  return table
}

/** The template `segments` match best: literal segments win over parameters, from the left. */
function bestMatch(templates: Template[], segments: string[]): string {
  let best: Template | undefined
  const rank = (t: Template) => t.parts.map((p) => (p === null ? '1' : '0')).join('')
  for (const template of templates) {
    if (template.parts.length !== segments.length) continue
    if (!template.parts.every((part, i) => (part === null ? segments[i] !== '' : part === segments[i]!.toLowerCase()))) continue
    if (!best || rank(template) < rank(best)) best = template
  }
  return best?.label ?? UNMATCHED
}

/**
 * The route a request is counted under: one of `table`'s templates (ids replaced by `:id`), one of the
 * routes outside the API, or `unmatched`. The number of series stays bounded whatever clients ask for.
 */
export function routeOf(pathname: string, table: RouteTable): string {
  if (pathname === '/admin' || pathname.startsWith('/admin/') || pathname.startsWith('/_next/')) return '/admin'
  if (!pathname.startsWith('/api/')) return FIXED_ROUTES.includes(pathname) ? pathname : UNMATCHED
  // As Payload matches: a trailing slash does not count, a collection's slug comes before the root routes.
  const segments = pathname.slice('/api/'.length).replace(/\/$/, '').split('/')
  const [first, ...rest] = segments
  if (first === 'globals' && rest.length > 0) {
    const templates = table.globals.get(rest[0]!)
    if (templates) return bestMatch(templates, rest.slice(1))
  }
  const templates = table.collections.get(first!)
  return templates ? bestMatch(templates, rest) : bestMatch(table.root, segments)
}
