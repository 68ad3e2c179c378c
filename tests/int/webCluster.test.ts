// WEB_CONCURRENCY=2: one port, two web processes (node:cluster); a web process that dies is replaced; the
// primary's METRICS_PORT sums the processes' metrics; SIGTERM stops them all.
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { freePort } from '../../src/db/embedded'
import { startTestShop, type TestShop } from '../helpers/shop'
import { spawnShopProcess } from '../helpers/shopProcess'

let shop: TestShop
let primary: ChildProcess
let output: () => string = () => ''
let base: string
let metricsBase: string

/** The primary's web processes: its children running the server script (tsx's esbuild service is not one). */
function webProcesses(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        return new RegExp(`\\nPPid:\\s+${primary.pid}\\n`).test(status) && cmdline.includes('src/server.ts')
      } catch {
        return false // gone meanwhile
      }
    })
    .map(Number)
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}:\n${output().slice(-3000)}`)
    await new Promise((r) => setTimeout(r, 300))
  }
}

beforeAll(async () => {
  shop = await startTestShop()
  const [port, metricsPort] = [await freePort(), await freePort()]
  base = `http://127.0.0.1:${port}`
  metricsBase = `http://127.0.0.1:${metricsPort}`
  const started = spawnShopProcess('src/server.ts', shop.databaseUrl, {
    PORT: String(port),
    WEB_CONCURRENCY: '2',
    SHOP_ADMIN: 'off',
    SHOP_JOBS: 'off',
    METRICS_PORT: String(metricsPort),
    DB_POOL_MAX: '4',
  })
  primary = started.child
  output = started.output
  await until('two web processes answering', async () => ((await fetch(`${base}/healthz`)).status === 200 && webProcesses().length === 2 ? true : undefined), 90_000)
}, 120_000)

afterAll(async () => {
  if (primary && primary.exitCode === null) primary.kill('SIGKILL')
  for (const pid of primary ? webProcesses() : []) process.kill(pid, 'SIGKILL')
  await shop?.stop()
})

const productsCount = async () => {
  const text = await (await fetch(`${metricsBase}/metrics`)).text()
  return text
    .split('\n')
    .filter((l) => l.startsWith('shop_http_request_duration_seconds_count{') && l.includes('route="/api/products"'))
    .reduce((sum, l) => sum + Number(l.split(' ')[1]), 0)
}

describe('WEB_CONCURRENCY', () => {
  it('serves one port from two processes, and sums their metrics on METRICS_PORT', async () => {
    expect(webProcesses()).toHaveLength(2)
    const before = await productsCount()
    const answers = await Promise.all(Array.from({ length: 40 }, () => fetch(`${base}/api/products?limit=1`).then((r) => r.status)))
    expect(answers.every((s) => s === 200)).toBe(true)
    expect(await productsCount()).toBe(before + 40)
  })

  it('replaces a web process that dies', async () => {
    const [victim] = webProcesses()
    process.kill(victim!, 'SIGKILL')
    await until('a replacement', () => {
      const now = webProcesses()
      return now.length === 2 && !now.includes(victim!) ? now : undefined
    })
    // The port kept answering meanwhile (the other process), and answers now.
    expect((await fetch(`${base}/api/products?limit=1`)).status).toBe(200)
  })

  it('stops every process on SIGTERM', async () => {
    const processes = webProcesses()
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)))
    primary.kill('SIGTERM')
    expect(await exited).toBe(0)
    await until('the web processes to exit', () => (processes.every((pid) => !fs.existsSync(`/proc/${pid}`)) ? true : undefined), 30_000)
  })
})
