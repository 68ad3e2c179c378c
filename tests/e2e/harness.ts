// What the browser test needs around the browser: the production server as a child process on its own
// database, create-admin, and a small REST client over real HTTP.
import { type ChildProcess, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { freePort } from '../../src/db/embedded'
import { createDatabaseFrom, dropDatabase, SERVER_ENV, TEMPLATE_ENV } from '../helpers/testDatabase'
import { nodeFlagsOf } from '../helpers/startCommand'

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CHROMIUM = '/usr/bin/chromium'
export const artifactsDir = path.join(projectRoot, 'test-artifacts', 'e2e')
/** The production server as `npm start` runs it (built by `npm run build`). */
const SERVER_BUNDLE = path.join(projectRoot, 'dist', 'server.mjs')

/** Throws (the test fails, it is not skipped) when the production build or Chromium is missing. */
export function checkPrerequisites() {
  for (const built of [path.join(projectRoot, '.next', 'BUILD_ID'), SERVER_BUNDLE]) {
    if (!fs.existsSync(built)) throw new Error(`No production build (${built} is missing): run \`npm run build\` first.`)
  }
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK)
  } catch {
    throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium); no browser is downloaded.`)
  }
}

/** The variables a child process gets: only these, so nothing leaks in from the jest process. */
function childEnv(extra: { NODE_ENV: 'production' } & Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NEXT_TELEMETRY_DISABLED: '1',
    STOREFRONT_URL: 'https://shop.example',
    PAYMENT_GATEWAY: 'stub',
    SERVER_URL: 'http://localhost', // the server's own is set where it starts
    ...extra,
  }
}

export type ServerOptions = { databaseUrl: string; secret: string; workDir: string; logFile: string }

export type RunningServer = { base: string; port: number; stop: () => Promise<void>; log: () => string }

const READY_TIMEOUT_MS = 90_000

class EarlyExit extends Error {
  constructor(
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    output: string,
  ) {
    super(`The server exited (code ${code}, signal ${signal}) before it was ready. Its output:\n${output.slice(-4000)}`)
  }
}

/** Starts the production server as `npm start` does (`dist/server.mjs`), waits for GET /healthz → 200. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort()
  const base = `http://localhost:${port}`
  let output = ''
  const logStream = fs.createWriteStream(options.logFile, { flags: 'a' })
  logStream.write(`--- start, port ${port} ---\n`)
  const child = spawn(process.execPath, [...nodeFlagsOf('start', projectRoot), SERVER_BUNDLE], {
    cwd: projectRoot,
    env: childEnv({
      NODE_ENV: 'production',
      PAYLOAD_SECRET: options.secret,
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      SERVER_URL: base,
      SEED_DEMO: 'false',
      MEDIA_DIR: path.join(options.workDir, 'media'),
      MAIL_DIR: path.join(options.workDir, 'mail'),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
    logStream.write(chunk)
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => reject(new EarlyExit(code, signal, output)))
    child.once('error', reject)
  })
  exited.catch(() => {}) // observed below; never an unhandled rejection

  const stop = () => stopChild(child, logStream)
  try {
    await Promise.race([exited, waitForHealth(base, READY_TIMEOUT_MS, () => output)])
  } catch (err) {
    await stop()
    throw err
  }
  return { base, port, stop, log: () => output }
}

async function waitForHealth(base: string, timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`The server did not answer GET /healthz with 200 within ${timeoutMs} ms. Its output:\n${output().slice(-4000)}`)
}

/** SIGTERM (the server shuts down gracefully), then SIGKILL if it is still there after 10 s. */
async function stopChild(child: ChildProcess, logStream: fs.WriteStream) {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await gone
    clearTimeout(timer)
  }
  await new Promise<void>((resolve) => logStream.end(() => resolve()))
}

/** `npm run create-admin` against the test database (it boots the shop in its own process and exits). */
export async function createAdmin(options: { databaseUrl: string; secret: string; workDir: string }, email: string, password: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/createAdmin.ts', '--email', email, '--password', password],
    {
      cwd: projectRoot,
      env: childEnv({
        NODE_ENV: 'production',
        PAYLOAD_SECRET: options.secret,
        DATABASE_URL: options.databaseUrl,
        SEED_DEMO: 'false',
        MEDIA_DIR: path.join(options.workDir, 'media'),
        MAIL_DIR: path.join(options.workDir, 'mail'),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('exit', (c) => resolve(c))
    child.once('error', reject)
  })
  if (code !== 0) throw new Error(`create-admin exited with ${code}:\n${output}`)
  return output
}

export const randomSecret = () => crypto.randomBytes(32).toString('hex') // 64 hex characters

export type Reply = { status: number; body: any }

/** JSON over real HTTP to the running server. */
export class Rest {
  constructor(private readonly base: string) {}

  async request(method: string, url: string, options: { token?: string; body?: unknown; form?: FormData } = {}): Promise<Reply> {
    const headers: Record<string, string> = {}
    if (options.token) headers.Authorization = `Bearer ${options.token}`
    let body: BodyInit | undefined
    if (options.form) body = options.form
    else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(options.body)
    }
    const res = await fetch(`${this.base}${url}`, { method, headers, body })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed }
  }

  /** Like request, but throws unless the status is the expected one. */
  async expect(status: number, method: string, url: string, options?: { token?: string; body?: unknown; form?: FormData }) {
    const reply = await this.request(method, url, options)
    if (reply.status !== status) {
      throw new Error(`${method} ${url}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`)
    }
    return reply.body
  }

  async login(login: string, password: string): Promise<string> {
    const body = await this.expect(200, 'POST', '/api/users/login', { body: { email: login, password } })
    return body.token as string
  }
}

export type E2EShop = { server: RunningServer; rest: Rest; workDir: string; stop: () => Promise<void> }

/**
 * A test file's shop: its own copy of the migrated template database, an admin made by create-admin, and
 * the production server on it (its log in `logFile`). `stop` stops the server and drops the database.
 */
export async function startE2EShop(name: string, admin: { email: string; password: string }, logFile: string): Promise<E2EShop> {
  checkPrerequisites()
  const serverUrl = process.env[SERVER_ENV]
  const template = process.env[TEMPLATE_ENV]
  if (!serverUrl || !template) throw new Error('The e2e global setup did not provide a database server and template')
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`))
  const database = await createDatabaseFrom(serverUrl, template, name)
  const secret = randomSecret()
  await createAdmin({ databaseUrl: database.url, secret, workDir }, admin.email, admin.password)
  const server = await startServer({ databaseUrl: database.url, secret, workDir, logFile })
  return {
    server,
    rest: new Rest(server.base),
    workDir,
    stop: async () => {
      await server.stop()
      await dropDatabase(serverUrl, database.name)
      fs.rmSync(workDir, { recursive: true, force: true })
    },
  }
}
