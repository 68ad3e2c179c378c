// A shop entry point (src/server.ts, src/worker.ts) in a child process on a test database, as `npm start`
// or `npm run worker` would run it (through tsx: no build needed), with only the variables given here.
import { type ChildProcess, spawn } from 'node:child_process'
import crypto from 'node:crypto'

export type ShopProcess = { child: ChildProcess; output: () => string }

export function spawnShopProcess(script: 'src/server.ts' | 'src/worker.ts', databaseUrl: string, env: Record<string, string>): ShopProcess {
  let output = ''
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PAYLOAD_SECRET: crypto.randomBytes(32).toString('hex'),
      DATABASE_URL: databaseUrl,
      SEED_DEMO: 'false',
      MEDIA_DIR: process.env.MEDIA_DIR ?? '',
      MAIL_DIR: process.env.MAIL_DIR ?? '',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  return { child, output: () => output }
}
