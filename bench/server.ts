// The benchmark's shop: a fresh embedded PostgreSQL (default durability) and the production server in a
// child process, as `npm start` runs it (dist/server.mjs, with the start script's Node flags).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { ensureDatabase, freePort, type RunningDatabase, startEmbeddedPostgres } from '../src/db/embedded'
import { nodeFlagsOf } from '../tests/helpers/startCommand'

export type BenchShop = {
  url: string
  databaseUrl: string
  secret: string
  server: ChildProcess
  /** Peak resident memory of the server so far (VmHWM), in MB. */
  peakRssMb: () => number
  restartServer: (env?: Record<string, string>, nodeArgs?: string[]) => Promise<void>
  /** Another web process on the same database (its own port), e.g. a second replica behind nginx. */
  startWeb: (env?: Record<string, string>) => Promise<BenchWeb>
  stop: () => Promise<void>
}

export type BenchWeb = { url: string; address: string; peakRssMb: () => number; stop: () => Promise<void> }

const peakRssOf = (child: ChildProcess) => {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024)
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

export function ensureProductionBuild() {
  const run = (script: string) => {
    const build = spawnSync('npm', ['run', script], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } })
    if (build.status !== 0) throw new Error(`npm run ${script} failed`)
  }
  if (!fs.existsSync(path.join('.next', 'BUILD_ID'))) {
    console.log('No production build yet: running `npm run build` first…')
    return run('build')
  }
  // The server bundle takes a fraction of a second: always from the sources as they are now.
  run('build:server')
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 120_000) {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) return false
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.ok) return true
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error('The server did not become healthy in time')
}

export async function startBenchShop(): Promise<BenchShop> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-bench-'))
  fs.chmodSync(dir, 0o755) // PostgreSQL runs as the postgres user when we are root
  const pg: RunningDatabase = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() })
  await ensureDatabase(pg.url, 'bench')
  const databaseUrl = pg.databaseUrl('bench')
  const port = await freePort()
  const secret = crypto.randomBytes(32).toString('hex')
  const url = `http://127.0.0.1:${port}`
  let server!: ChildProcess

  // Spawned directly (as `npm start` runs it), so its RSS is the server's own.
  const launch = async (port: number, extra: Record<string, string>, nodeArgs: string[] = []) => {
    const child = spawn(process.execPath, [...nodeFlagsOf('start'), ...nodeArgs, 'dist/server.mjs'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        PAYLOAD_SECRET: secret,
        STOREFRONT_URL: 'https://shop.example',
        PAYMENT_GATEWAY: 'stub',
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        SERVER_URL: `http://localhost:${port}`,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        MEDIA_DIR: path.join(dir, 'media'),
        MAIL_DIR: path.join(dir, 'mail'),
        NEXT_TELEMETRY_DISABLED: '1',
        AUTH_RATE_LIMIT: '0', // thousands of buyers log in from this one address
        ...extra,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    if (!(await waitForHealth(`http://127.0.0.1:${port}`, child))) throw new Error(`The server exited with ${child.exitCode}`)
    return child
  }
  const startServer = async (extra: Record<string, string> = {}, nodeArgs: string[] = []) => {
    server = await launch(port, extra, nodeArgs)
  }
  const stopServer = () => stopChild(server)

  await startServer()
  return {
    url,
    databaseUrl,
    secret,
    get server() {
      return server
    },
    peakRssMb: () => peakRssOf(server),
    restartServer: async (extra, nodeArgs) => {
      await stopServer()
      await startServer(extra, nodeArgs)
    },
    startWeb: async (extra = {}) => {
      const webPort = await freePort()
      const child = await launch(webPort, extra)
      return { url: `http://127.0.0.1:${webPort}`, address: `127.0.0.1:${webPort}`, peakRssMb: () => peakRssOf(child), stop: () => stopChild(child) }
    },
    stop: async () => {
      await stopServer()
      await pg.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
