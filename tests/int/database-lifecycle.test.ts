// The embedded PostgreSQL survives a killed run, and the server survives losing its database.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, describe, expect, it } from '@jest/globals'
import { getPayload } from 'payload'

import { buildShopConfig } from '../../src/config'
import { ensureDatabase, freePort, startEmbeddedPostgres, type RunningDatabase } from '../../src/db/embedded'
import { closePool, migrateDatabase, watchPool } from '../../src/db/migrate'
import { serve } from '../helpers/http'

const dirs: string[] = []
const clusters: RunningDatabase[] = []
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-lifecycle-'))
  fs.chmodSync(dir, 0o755)
  dirs.push(dir)
  return dir
}
afterAll(async () => {
  for (const c of clusters) await c.stop().catch(() => {})
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

describe('embedded PostgreSQL', () => {
  it('starts again after the previous run was killed with SIGKILL', async () => {
    const dataDir = path.join(tempDir(), 'pg')
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/embeddedChild.ts', dataDir, String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('READY')) resolve()
      })
      child.stderr.on('data', (d) => (out += d))
      child.once('exit', (code) => reject(new Error(`child exited ${code}: ${out}`)))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))

    const again = await startEmbeddedPostgres({ dataDir, port, unsafeFast: true })
    clusters.push(again)
    expect(['adopted', 'started']).toContain(again.origin)
    await ensureDatabase(again.url, 'after_kill')
    await again.stop()
    // And once more from a clean stop.
    const third = await startEmbeddedPostgres({ dataDir, port, unsafeFast: true })
    clusters.push(third)
    expect(third.origin).toBe('started')
    await third.stop()
  }, 90_000)

  it('explains a port held by another program instead of failing with undefined', async () => {
    const net = await import('node:net')
    const blocker = net.createServer().listen(0, '127.0.0.1')
    await new Promise((r) => blocker.once('listening', r))
    const port = (blocker.address() as { port: number }).port
    try {
      await expect(startEmbeddedPostgres({ dataDir: path.join(tempDir(), 'pg'), port, unsafeFast: true, portWaitMs: 500 })).rejects.toThrow(
        new RegExp(`Port ${port}`),
      )
    } finally {
      blocker.close()
    }
  }, 90_000)
})

describe('losing the database', () => {
  it('answers 503 while PostgreSQL is down and recovers by itself when it is back', async () => {
    const dataDir = path.join(tempDir(), 'pg')
    const port = await freePort()
    let cluster = await startEmbeddedPostgres({ dataDir, port, unsafeFast: true })
    clusters.push(cluster)
    await ensureDatabase(cluster.url, 'shop')
    const payload = await getPayload({ config: buildShopConfig({ databaseUrl: cluster.databaseUrl('shop'), poolMax: 4 }) })
    watchPool(payload)
    await migrateDatabase(payload)
    const http = await serve(payload)
    try {
      expect((await fetch(`${http.base}/healthz`)).status).toBe(200)
      expect((await fetch(`${http.base}/api/products`)).status).toBe(200)

      await cluster.stop()
      const health = await fetch(`${http.base}/healthz`)
      expect(health.status).toBe(503)
      // The catalogue page just read may still come from the 2 s catalogue cache (a feature in an outage);
      // anything else, such as the stock, needs the database: 503.
      const stock = await fetch(`${http.base}/api/stock`)
      expect(stock.status).toBe(503)
      expect((await stock.json()).errors[0].message).toMatch(/database/i)
      const uncachedPage = await fetch(`${http.base}/api/products?limit=5`)
      expect(uncachedPage.status).toBe(503)

      cluster = await startEmbeddedPostgres({ dataDir, port, unsafeFast: true })
      clusters.push(cluster)
      let status = 0
      for (let i = 0; i < 40 && status !== 200; i++) {
        status = (await fetch(`${http.base}/api/stock`)).status
        if (status !== 200) await new Promise((r) => setTimeout(r, 250))
      }
      expect(status).toBe(200)
      expect((await fetch(`${http.base}/healthz`)).status).toBe(200)
    } finally {
      await http.close()
      await payload.destroy()
      await closePool(payload)
    }
  }, 90_000)
})
