// A shop for one test file: its own database (a copy of the migrated template), a Payload instance, and
// a REST client that calls Payload's request handler in-process (no HTTP server, no Next).
import crypto from 'node:crypto'

import type { Payload } from 'payload'
import { getPayload, handleEndpoints } from 'payload'
import type { DestinationStream } from 'pino'

import { closeOutsidePool } from '../../src/db/sql'
import { buildShopConfig } from '../../src/config'
import { closePool } from '../../src/db/migrate'
import { closePaymentGateway } from '../../src/payments'
import { createOrPromoteAdmin } from '../../src/shop/admins'
import type { SettingsOverrides } from '../../src/settings'
import { createDatabaseFrom, dropDatabase, SERVER_ENV, TEMPLATE_ENV } from './testDatabase'

export type ApiResponse = { status: number; body: any; headers: Headers; bytes: Buffer }
export type RequestOptions = {
  token?: string
  /** How the token is sent: `Authorization: Bearer …` (default) or Payload's `JWT …`. */
  scheme?: 'Bearer' | 'JWT'
  body?: unknown
  /** A raw body (string, bytes or FormData) instead of JSON. */
  raw?: BodyInit
  headers?: Record<string, string>
}

export class Api {
  /** `instanceKey`: the getPayload cache key of the instance to call (another "process" in one test). */
  constructor(
    private readonly config: Payload['config'],
    private readonly instanceKey?: string,
  ) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers = new Headers(options.headers)
    if (options.token) headers.set('Authorization', `${options.scheme ?? 'Bearer'} ${options.token}`)
    let body: BodyInit | undefined = options.raw
    if (options.body !== undefined) {
      body = JSON.stringify(options.body)
      if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json')
    }
    const request = new Request(`http://localhost:3000${path}`, { method, headers, body })
    const response = await handleEndpoints({ config: this.config, request, payloadInstanceCacheKey: this.instanceKey })
    const bytes = Buffer.from(await response.arrayBuffer())
    const text = bytes.toString('utf8')
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers, bytes }
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options)
  post = (path: string, body?: unknown, options?: RequestOptions) => this.request('POST', path, { ...options, body })
  patch = (path: string, body?: unknown, options?: RequestOptions) => this.request('PATCH', path, { ...options, body })
  delete = (path: string, options?: RequestOptions) => this.request('DELETE', path, options)
}

export type TestShop = {
  payload: Payload
  api: Api
  databaseUrl: string
  stop: () => Promise<void>
}

export type TestShopOptions = {
  /** Capture the shop's log lines (tests/int/logging.test.ts). */
  logDestination?: DestinationStream
  logLevel?: string
  /**
   * The shop's own settings over the environment's. Tests register and log in many accounts from one
   * (absent) address: no auth rate limit unless a test asks for one (tests/int/rateLimit.test.ts).
   */
  settings?: SettingsOverrides
}

export async function startTestShop({ logDestination, logLevel, settings }: TestShopOptions = {}): Promise<TestShop> {
  const serverUrl = process.env[SERVER_ENV]
  const template = process.env[TEMPLATE_ENV]
  if (!serverUrl || !template) throw new Error('Run the tests through jest: its global setup prepares the database')
  const database = await createDatabaseFrom(serverUrl, template)
  const config = buildShopConfig({ databaseUrl: database.url, poolMax: 10, logDestination, logLevel, settings: { authRateLimit: 0, ...settings } })
  // The default cache key: handleEndpoints looks the instance up by it (each test file has its own global).
  const payload = await getPayload({ config })
  return {
    payload,
    api: new Api(payload.config),
    databaseUrl: database.url,
    stop: async () => {
      await payload.destroy()
      await closePaymentGateway(payload)
      await closeOutsidePool(payload)
      await closePool(payload)
      await dropDatabase(serverUrl, database.name)
    },
  }
}

export type Account = { id: number; email: string; password: string; token: string }

const unique = () => crypto.randomBytes(4).toString('hex')

/** Registers a buyer through the public REST API and logs them in. */
export async function registerBuyer(shop: TestShop, extra: Record<string, unknown> = {}): Promise<Account> {
  const email = `buyer-${unique()}@example.com`
  const password = 'correct horse battery'
  const created = await shop.api.post('/api/users', { email, password, ...extra })
  if (created.status !== 201) throw new Error(`registration failed: ${created.status} ${JSON.stringify(created.body)}`)
  return { id: created.body.doc.id, email, password, token: await login(shop, email, password) }
}

/** An admin made the only way admins are made: the create-admin operation. */
export async function createAdmin(shop: TestShop): Promise<Account> {
  const email = `admin-${unique()}@example.com`
  const password = 'admin password 123'
  const { id } = await createOrPromoteAdmin(shop.payload, { email, password })
  return { id: Number(id), email, password, token: await login(shop, email, password) }
}

/** A member of staff at `stores`, made by `admin` the way admins make them (POST /api/users), logged in. */
export async function createStaff(shop: TestShop, admin: Account, stores: number[]): Promise<Account> {
  const email = `clerk-${unique()}@example.com`
  const password = 'clerk password 12345'
  const res = await shop.api.post('/api/users', { email, password, role: 'staff', stores }, { token: admin.token })
  if (res.status !== 201) throw new Error(`making staff failed: ${res.status} ${JSON.stringify(res.body)}`)
  return { id: res.body.doc.id, email, password, token: await login(shop, email, password) }
}

export async function login(shop: TestShop, loginName: string, password: string): Promise<string> {
  const body = loginName.includes('@') ? { email: loginName, password } : { username: loginName, password }
  const res = await shop.api.post('/api/users/login', body)
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.token
}

/**
 * Waits, if need be, until the database clock's current minute (or hour) has `seconds` left: the shop counts
 * attempts in fixed windows of that clock, and a test's attempts must all fall in one.
 */
export async function roomInClockWindow(shop: TestShop, seconds: number, unit: 'minute' | 'hour' = 'minute') {
  const length = unit === 'minute' ? 60 : 3600
  const [row] = await sqlRows<{ left: number }>(shop, `SELECT ${length} - extract(epoch FROM now() - date_trunc('${unit}', now()))::float8 AS left`)
  if (row!.left < seconds) await new Promise((r) => setTimeout(r, (row!.left + 0.2) * 1000))
}

/** Reads a table straight from PostgreSQL, to check what really changed (or did not). */
export async function sqlRows<T = Record<string, unknown>>(shop: TestShop, text: string, params: unknown[] = []) {
  const pool = (shop.payload.db as unknown as { pool: import('pg').Pool }).pool
  const { rows } = await pool.query(text, params)
  return rows as T[]
}

/**
 * The statements the shop sends to PostgreSQL while `work` runs, on the pool and on the connections it
 * hands out for transactions (BEGIN and COMMIT included): a prepared statement by its name, any other by
 * its text.
 */
export async function statementsDuring(shop: TestShop, work: () => Promise<unknown>): Promise<string[]> {
  type Query = (...args: unknown[]) => unknown
  const pool = (shop.payload.db as unknown as { pool: import('pg').Pool }).pool
  const seen: string[] = []
  const spy = (query: Query): Query => (config, ...rest) => {
    seen.push(typeof config === 'string' ? config : ((config as { name?: string; text: string }).name ?? (config as { text: string }).text))
    return query(config, ...rest)
  }
  const { query, connect } = pool
  const spied = new Map<import('pg').PoolClient, Query>()
  pool.query = spy(query.bind(pool) as Query) as typeof pool.query
  pool.connect = ((callback?: unknown) => {
    // pool.query's own path (with a callback) is counted by the spy on pool.query above.
    if (callback) return (connect as Query).call(pool, callback)
    return (connect as unknown as () => Promise<import('pg').PoolClient>).call(pool).then((client) => {
      // Spied while it is checked out only: back in the pool, pool.query may hand it out again.
      const { query: own, release } = client
      spied.set(client, own as Query)
      client.query = spy(own.bind(client) as Query) as typeof client.query
      client.release = (...args) => {
        client.query = own
        client.release = release
        spied.delete(client)
        return release.apply(client, args)
      }
      return client
    })
  }) as typeof pool.connect
  try {
    await work()
  } finally {
    pool.query = query
    pool.connect = connect
    for (const [client, original] of spied) client.query = original as typeof client.query
  }
  return seen
}
