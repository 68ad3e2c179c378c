// The production processes' Node flags (V8's young generation and heap growth; README "Memory") live in
// package.json's start and worker scripts; the container's commands must carry the same ones.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

import { describe, expect, it } from '@jest/globals'

import { nodeFlagsOf } from '../helpers/startCommand'

/** The flags of a JSON-array command (Dockerfile CMD, compose `command:`) that runs `bundle`. */
function flagsOfCommand(text: string, bundle: string): string[] {
  const array = new RegExp(`\\[\\s*"node"[^\\]]*"dist/${bundle}"\\s*\\]`).exec(text)
  if (!array) throw new Error(`no ["node", …, "dist/${bundle}"] command found`)
  const argv = JSON.parse(array[0]) as string[]
  return argv.slice(1, -1)
}

describe('how the production processes start', () => {
  it('gives the web and worker processes the same heap flags, which this Node accepts', () => {
    const start = nodeFlagsOf('start')
    expect(start).toEqual(expect.arrayContaining(['--max-semi-space-size=16', '--heap-growing-percent=50']))
    expect(nodeFlagsOf('worker')).toEqual(start)
    expect(spawnSync(process.execPath, [...start, '-e', '']).status).toBe(0)
  })

  it('runs the container with the same flags as npm start and npm run worker', () => {
    expect(flagsOfCommand(fs.readFileSync('Dockerfile', 'utf8'), 'server.mjs')).toEqual(nodeFlagsOf('start'))
    expect(flagsOfCommand(fs.readFileSync('docker-compose.yml', 'utf8'), 'worker.mjs')).toEqual(nodeFlagsOf('worker'))
  })
})
