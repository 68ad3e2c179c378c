// The only reader of process.env. Everything else imports `env` from here.
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { z } from 'zod'

export const projectRoot = process.cwd()

const intFromEnv = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback
      const n = Number(v)
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}` })
        return z.NEVER
      }
      return n
    })

/**
 * The longest checkout waits for the gateway. Bounded because a checkout's claim is taken for abandoned
 * only after the longest time a live process can still spend on it (see checkoutBounds below).
 */
export const MAX_PAYMENT_TIMEOUT_MS = 60_000

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intFromEnv(3000, 1),
  DATABASE_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  // Embedded PostgreSQL, used when DATABASE_URL is unset.
  PG_DATA_DIR: z.string().default(path.join(projectRoot, '.data', 'pg')),
  PG_PORT: intFromEnv(54329, 1),
  PAYLOAD_SECRET: z.string().optional(),
  // The shop's public address: the origin the admin panel runs on (cookie-authenticated requests are
  // accepted from it), staff reset links.
  SERVER_URL: z.string().url().optional(),
  // Other origins (storefronts) that may call the API with the auth cookie and read the answers (CORS).
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const origins = originList(v ?? '')
      if (origins === null) {
        ctx.addIssue({ code: 'custom', message: 'a comma-separated list of origins such as https://shop.example, http://localhost:5173 (scheme, host and port only; no path, no *)' })
        return z.NEVER
      }
      return origins
    }),
  // Where buyers reset their password: the storefront's page, with {token} where the token goes.
  STOREFRONT_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  STOREFRONT_RESET_PATH: z
    .string()
    .default('/reset-password?token={token}')
    .refine((v) => v.startsWith('/') && v.includes('{token}'), 'a path starting with / that contains {token}'),
  SHOP_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as RUB')
    .default('RUB'),
  SEED_DEMO: z.enum(['true', 'false']).optional(),
  // The buyers' language when neither their account nor their browser names one (emails, messages).
  SHOP_LOCALE: z.enum(['ru', 'en']).default('ru'),
  MEDIA_DIR: z.string().default(path.join(projectRoot, 'media')),
  // Photos in S3-compatible object storage instead of MEDIA_DIR (every process serves every photo).
  S3_BUCKET: z.string().optional().or(z.literal('').transform(() => undefined)),
  S3_ENDPOINT: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional().or(z.literal('').transform(() => undefined)),
  S3_SECRET_ACCESS_KEY: z.string().optional().or(z.literal('').transform(() => undefined)),
  // MinIO and most self-hosted servers want bucket-in-path URLs (http://host/bucket/key).
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  DB_POOL_MAX: intFromEnv(20, 2),
  // Which payment gateway takes the money. Only the stub exists so far; production must name it.
  PAYMENT_GATEWAY: z.enum(['stub']).optional().or(z.literal('').transform(() => undefined)),
  // Payment gateway stub: how long it takes to answer, and how long checkout waits for any gateway.
  PAYMENT_STUB_LATENCY_MS: intFromEnv(0),
  PAYMENT_TIMEOUT_MS: intFromEnv(5000, 1, MAX_PAYMENT_TIMEOUT_MS),
  // How long an order may wait for its payment before the settlement job asks the gateway and decides.
  RESERVATION_TTL: durationFromEnv(15 * 60_000),
  // How long a paid order may wait to be assembled, and a ready one to be collected, before the settlement
  // job cancels it (the hold released, the charge refunded, the stock back on sale).
  PICKUP_HOLD: durationFromEnv(3 * 86_400_000),
  // How much more than ordered a weighed line may weigh at assembly, and so how much more than the order's
  // total checkout holds on the card for weighed lines.
  WEIGHT_TOLERANCE: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return 1000
      const bp = basisPoints(v)
      if (bp === null) {
        ctx.addIssue({ code: 'custom', message: 'a share from 0 to 1 with at most 4 decimals, e.g. 0.10' })
        return z.NEVER
      }
      return bp
    }),
  SMTP_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  MAIL_FROM: z.string().default('100am shop <orders@100am.shop>'),
  MAIL_DIR: z.string().default(path.join(projectRoot, '.data', 'mail')),
  // Login and registration attempts per client IP per minute, counted in PostgreSQL (so across processes);
  // 0 switches the limit off.
  AUTH_RATE_LIMIT: intFromEnv(20),
  // How long the public catalogue (product and pickup-point lists, searches) is answered from memory; 0: never.
  CATALOGUE_CACHE: durationFromEnv(2000),
  // Who answers /api: Payload's handler straight from Express (default), or Next's route (for comparison).
  API_VIA: z.enum(['express', 'next']).default('express'),
  // Whether a web process also runs the scheduled work (on: one process does everything; off: leave it to
  // `npm run worker`, which answers its health check on WORKER_PORT).
  SHOP_JOBS: z.enum(['on', 'off']).default('on'),
  // How many web processes `npm start` runs on this machine (node:cluster, one port).
  WEB_CONCURRENCY: intFromEnv(1, 1, 64),
  // off: an API-only web process (no admin panel, Next not loaded).
  SHOP_ADMIN: z.enum(['on', 'off']).default('on'),
  // off: no storefront at / (the admin panel and the API unaffected).
  SHOP_STOREFRONT: z.enum(['on', 'off']).default('on'),
  // Where the storefront's server calls the API (default: this process, on loopback).
  STOREFRONT_API_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  WORKER_PORT: intFromEnv(3001, 1, 65_535),
  // /metrics: with this bearer token on the web and worker ports; without a token on METRICS_PORT only.
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional().or(z.literal('').transform(() => undefined)),
  METRICS_PORT: intFromEnv(0, 0, 65_535),
  // Which reverse proxies in front of the shop may say who the client is (X-Forwarded-For); off: nobody.
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const trust = trustProxy(v ?? '')
      if (trust === null) {
        ctx.addIssue({ code: 'custom', message: 'off, a number of proxy hops (1-10), or a comma-separated list of addresses, CIDR ranges, loopback, linklocal, uniquelocal' })
        return z.NEVER
      }
      return trust
    }),
})

/**
 * TRUST_PROXY as Express's `trust proxy` takes it: false (off, the default: X-Forwarded-For ignored), a hop
 * count (the client is that many addresses from the right of X-Forwarded-For), or the proxies' addresses
 * (the client is the rightmost address that is not one of them). Null when it is none of these. `true`
 * (trust every hop) is refused: it would let any client name its own address.
 */
export function trustProxy(text: string): false | number | string[] | null {
  const value = text.trim().toLowerCase()
  if (value === '' || value === 'off' || value === 'false' || value === '0') return false
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    return hops >= 1 && hops <= 10 ? hops : null
  }
  const entries = value.split(',').map((e) => e.trim())
  const named = ['loopback', 'linklocal', 'uniquelocal']
  const valid = (entry: string) => {
    if (named.includes(entry)) return true
    const [address, prefix, extra] = entry.split('/')
    const family = net.isIP(address ?? '')
    if (!family || extra !== undefined) return false
    if (prefix === undefined) return true
    if (/^\d{1,3}$/.test(prefix)) return Number(prefix) <= (family === 4 ? 32 : 128)
    return family === 4 && net.isIPv4(prefix) // a netmask, as 10.0.0.0/255.0.0.0
  }
  return entries.length > 0 && entries.every(valid) ? entries : null
}

/**
 * CORS_ORIGINS as a list of origins (`https://shop.example`, normalised as browsers send them in `Origin`),
 * or null when an entry is not an http(s) origin: a path, query, credentials or `*` are refused (a wildcard
 * would let any site act with a signed-in user's cookie).
 */
export function originList(text: string): string[] | null {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  const origins: string[] = []
  for (const entry of entries) {
    let url: URL
    try {
      url = new URL(entry)
    } catch {
      return null
    }
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare) return null
    if (!origins.includes(url.origin)) origins.push(url.origin)
  }
  return origins
}

/** "900" (seconds), "500ms", "90s", "15m", "1h", "3d" → milliseconds; null when it is none of these. */
export function durationMs(text: string): number | null {
  const match = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(text)
  if (!match) return null
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd']
  return Number(match[1]) * factor
}

function durationFromEnv(fallbackMs: number) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallbackMs
      const ms = durationMs(v)
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: 'a duration such as 900 (seconds), 90s, 15m, 1h or 3d' })
        return z.NEVER
      }
      return ms
    })
}

/** "0.10" → 1000: a share from 0 to 1 with at most 4 decimals, as basis points (exact, no binary fractions). */
export function basisPoints(text: string): number | null {
  const match = /^\s*(0|1)(?:\.(\d{1,4}))?\s*$/.exec(text)
  if (!match) return null
  const bp = Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0'))
  return bp <= 10_000 ? bp : null
}

/**
 * How long a checkout may take, step by step, and from that when its claim counts as abandoned.
 * - reserveMs: from the claim to the start of the charge (the reservation's transaction, its retries and
 *   the waits for locks). Checkout does not start a charge later than this after its claim: it gives up.
 * - the charge itself ends within the payment timeout (checkout stops waiting then).
 * - marginMs: timers firing late on a loaded machine, and the two clocks (PostgreSQL's, which dates the
 *   claim, and the process's, which times the steps) ticking a little apart.
 * A claim older than the sum belongs to no live process: none can still be about to charge for it.
 */
export function checkoutBounds(reserveMs = 10_000, marginMs = 15_000) {
  return { reserveMs, marginMs }
}

/** When a checkout's claim counts as abandoned (see checkoutBounds). */
export const claimStaleAfterMs = (e: { checkout: Env['checkout']; payment: Pick<Env['payment'], 'timeoutMs'> & Partial<Env['payment']> } = env) =>
  e.checkout.reserveMs + e.payment.timeoutMs + e.checkout.marginMs

/**
 * S3-compatible storage for photos when S3_BUCKET is set. The keys come as a pair or not at all (then the
 * SDK's own chain: an instance role, a web identity token).
 */
function objectStorage(e: z.infer<typeof schema>) {
  if (!e.S3_BUCKET) {
    const stray = (['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((k) => e[k])
    if (stray.length) throw new Error(`${stray.join(', ')} set without S3_BUCKET: photos would silently stay on the local disk`)
    return undefined
  }
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    throw new Error('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together (or neither, for the SDK\'s own credential chain)')
  }
  return {
    bucket: e.S3_BUCKET,
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
    credentials: e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : undefined,
  }
}

function storefront(e: z.infer<typeof schema>) {
  if (!e.STOREFRONT_URL && e.NODE_ENV === 'production') {
    throw new Error('STOREFRONT_URL is not set. The shop refuses to start in production without it: password-reset emails link buyers to it.')
  }
  // Development and tests: the small reset page the shop serves itself (src/http/resetPage.ts).
  const base = (e.STOREFRONT_URL ?? e.SERVER_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')
  return { url: base, resetPath: e.STOREFRONT_RESET_PATH }
}

/**
 * The payment gateway. The stub approves `tok_visa` without taking any money: in production it runs only
 * when PAYMENT_GATEWAY=stub says so (the shop logs a warning at start); unset there, the shop refuses to start.
 */
/**
 * The shop's public address. Production must say it: the panel's cookie-authenticated requests are accepted
 * only from this origin (and CORS_ORIGINS), and staff reset links point to it; a default of localhost would
 * refuse every save from the real address, or send links nowhere.
 */
function serverUrlOf(e: z.infer<typeof schema>): string {
  if (e.SERVER_URL) return e.SERVER_URL
  if (e.NODE_ENV === 'production') {
    throw new Error('SERVER_URL is not set. The shop refuses to start in production without its public address (e.g. https://shop.example): the admin panel is accepted only from there.')
  }
  return `http://localhost:${e.PORT}`
}

function paymentGatewayOf(e: z.infer<typeof schema>): 'stub' {
  if (e.PAYMENT_GATEWAY) return e.PAYMENT_GATEWAY
  if (e.NODE_ENV === 'production') {
    throw new Error(
      'PAYMENT_GATEWAY is not set. The shop refuses to start in production without naming its payment gateway; ' +
        'the only one is the stub (PAYMENT_GATEWAY=stub), which approves test tokens such as tok_visa and takes no money.',
    )
  }
  return 'stub'
}

function readSecret(nodeEnv: string, given: string | undefined): string {
  if (given && given.length >= 32) return given
  if (given) throw new Error('PAYLOAD_SECRET must be at least 32 characters long')
  if (nodeEnv === 'production') {
    throw new Error(
      'PAYLOAD_SECRET is not set. The shop refuses to start in production without it ' +
        '(generate one with: openssl rand -hex 32).',
    )
  }
  if (nodeEnv === 'test') return crypto.randomBytes(32).toString('hex')
  // Development: a random secret kept beside the dev database, so logins survive restarts.
  const file = path.join(projectRoot, '.data', 'dev-secret')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    const secret = crypto.randomBytes(32).toString('hex')
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, secret, { mode: 0o600 })
    return secret
  }
}

function load() {
  const parsed = schema.safeParse(process.env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid environment:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    nodeEnv: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    isTest: e.NODE_ENV === 'test',
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    embeddedPg: { dataDir: path.resolve(e.PG_DATA_DIR), port: e.PG_PORT },
    secret: readSecret(e.NODE_ENV, e.PAYLOAD_SECRET),
    serverUrl: serverUrlOf(e),
    /**
     * The origins whose cookie-authenticated requests are accepted (SERVER_URL's and CORS_ORIGINS), and
     * those that may read the API's answers cross-origin (CORS_ORIGINS).
     */
    origins: { own: new URL(serverUrlOf(e)).origin, cors: e.CORS_ORIGINS },
    /** Where a buyer's reset link points (production needs STOREFRONT_URL; elsewhere the shop's own page). */
    storefront: storefront(e),
    currency: e.SHOP_CURRENCY,
    locale: e.SHOP_LOCALE,
    // The demo seed runs in development unless switched off; never by default in production.
    seedDemo: e.SEED_DEMO ? e.SEED_DEMO === 'true' : e.NODE_ENV === 'development',
    mediaDir: path.resolve(e.MEDIA_DIR),
    s3: objectStorage(e),
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'warn' : 'info'),
    dbPoolMax: e.DB_POOL_MAX,
    payment: { gateway: paymentGatewayOf(e), stubLatencyMs: e.PAYMENT_STUB_LATENCY_MS, timeoutMs: e.PAYMENT_TIMEOUT_MS },
    checkout: checkoutBounds(),
    reservationTtlMs: e.RESERVATION_TTL,
    pickupHoldMs: e.PICKUP_HOLD,
    /** WEIGHT_TOLERANCE in basis points (1000 = 0.10). */
    weightToleranceBp: e.WEIGHT_TOLERANCE,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, dir: path.resolve(e.MAIL_DIR) },
    authRateLimit: e.AUTH_RATE_LIMIT,
    catalogueCacheMs: e.CATALOGUE_CACHE,
    apiVia: e.API_VIA,
    trustProxy: e.TRUST_PROXY,
    /** Whether this web process runs the scheduled work too (SHOP_JOBS). */
    webRunsJobs: e.SHOP_JOBS === 'on',
    /** Whether this web process serves the admin panel (SHOP_ADMIN). */
    adminPanel: e.SHOP_ADMIN === 'on',
    /** The storefront at / (SHOP_STOREFRONT; served by Next, so not by an API-only process) and where it calls the API. */
    storefrontPages: e.SHOP_STOREFRONT === 'on' && e.SHOP_ADMIN === 'on',
    storefrontApi: (e.STOREFRONT_API_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    webConcurrency: e.WEB_CONCURRENCY,
    workerPort: e.WORKER_PORT,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT || undefined },
  }
}

export type Env = ReturnType<typeof load>
export const env: Env = load()

/** Lets the embedded database hand its URL to code that runs later (config, Next's admin panel). */
export function setDatabaseUrl(url: string) {
  env.databaseUrl = url
  // Next's admin panel evaluates its own copy of the config in this process; it must see the same URL.
  process.env.DATABASE_URL = url
}
