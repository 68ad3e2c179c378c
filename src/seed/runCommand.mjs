// Runs a one-shot TypeScript command (create-admin) under tsx, again if Node quits it while still loading.
// Why: on Node 20 a process occasionally exits with code 13 ("unsettled top-level await") while the module
// graph of Payload, Next and their dependencies loads under CPU load, before any of our code ran (seen in
// CI, about 1 run in 50; with plain node and a bundled server too, see src/launch.mjs). Our commands are
// safe to repeat.
import { spawnSync } from 'node:child_process'

const UNSETTLED_TOP_LEVEL_AWAIT = 13
const [script, ...args] = process.argv.slice(2)
let status = 1
for (let attempt = 1; attempt <= 3; attempt++) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' })
  status = run.status ?? 1
  if (status !== UNSETTLED_TOP_LEVEL_AWAIT) break
}
process.exit(status)
