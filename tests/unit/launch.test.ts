// The start launcher (src/launch.mjs): starts again only when Node quits with 13 while loading, at most
// three times; any other exit code is passed through at once; signals reach the child.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from '@jest/globals'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launch-'))
/** A child that counts its runs in a file and exits with the code for that run (the last one repeats). */
function child(codes: number[]) {
  const counter = path.join(dir, `runs-${Math.random().toString(36).slice(2)}`)
  const script = path.join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`)
  fs.writeFileSync(
    script,
    `import fs from 'node:fs'
     const runs = (fs.existsSync(${JSON.stringify(counter)}) ? Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0) + 1
     fs.writeFileSync(${JSON.stringify(counter)}, String(runs))
     const codes = ${JSON.stringify(codes)}
     process.exit(codes[Math.min(runs, codes.length) - 1])`,
  )
  return { script, runs: () => Number(fs.readFileSync(counter, 'utf8')) }
}
const launch = (script: string) => spawnSync(process.execPath, ['src/launch.mjs', script], { encoding: 'utf8' })

describe('start launcher', () => {
  it('starts again after an exit 13, then passes the next exit code through', () => {
    const c = child([13, 0])
    const run = launch(c.script)
    expect([run.status, c.runs()]).toEqual([0, 2])
    expect(run.stderr).toContain('starting again')
  })

  it('gives up after three exits 13', () => {
    const c = child([13])
    expect([launch(c.script).status, c.runs()]).toEqual([13, 3])
  })

  it('passes any other exit code through at once', () => {
    const c = child([5])
    expect([launch(c.script).status, c.runs()]).toEqual([5, 1])
  })

  it('hands SIGTERM to the child and exits with its code', async () => {
    const script = path.join(dir, 'waits.mjs')
    fs.writeFileSync(script, `process.on('SIGTERM', () => process.exit(0)); console.log('ready'); setInterval(() => {}, 1000)`)
    const launcher = spawn(process.execPath, ['src/launch.mjs', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve) => launcher.stdout!.once('data', () => resolve()))
    launcher.kill('SIGTERM')
    const code = await new Promise((resolve) => launcher.once('exit', (c) => resolve(c)))
    expect(code).toBe(0)
  })
})
