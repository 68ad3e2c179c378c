// A shop entry point (src/server.ts, src/worker.ts) in a child process on a test database, as `npm start`
// or `npm run worker` would run it (through tsx: no build needed), with only the variables given here.
import { type ChildProcess, spawn } from 'node:child_process'

import { env } from '../../src/env'

export type ShopProcess = { child: ChildProcess; output: () => string }

export function spawnShopProcess(script: 'src/server.ts' | 'src/worker.ts', databaseUrl: string, vars: Record<string, string>, nodeArgs: string[] = []): ShopProcess {
  let output = ''
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, script], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      // The test file's own secret: tokens made by its in-process shop are good in the child, and back.
      PAYLOAD_SECRET: env.secret,
      DATABASE_URL: databaseUrl,
      SEED_DEMO: 'false',
      MEDIA_DIR: process.env.MEDIA_DIR ?? '',
      MAIL_DIR: process.env.MAIL_DIR ?? '',
      LOG_LEVEL: 'info',
      ...vars,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  return { child, output: () => output }
}

/** Waits until the process answers 200 on `healthUrl`; fails with its output if it exits or takes too long. */
export async function untilHealthy(shop: ShopProcess, healthUrl: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await fetch(healthUrl).then((r) => r.status === 200, () => false)) return
    if (Date.now() > deadline || shop.child.exitCode !== null) throw new Error(`${healthUrl} did not come up:\n${shop.output()}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** SIGTERM (or the given signal) and wait for the exit; nothing if it has already exited. */
export async function stopShopProcess(shop: ShopProcess, signal: NodeJS.Signals = 'SIGTERM') {
  const { child } = shop
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await exited
}
