// Runs a one-shot TypeScript command (create-admin) under tsx, again if Node quits it while still loading.
// Why: on Node 20, tsx's off-thread module hooks occasionally drop an answer while the module graph loads
// under CPU load; Node then exits with code 13 ("unsettled top-level await") before any of our code ran
// (seen in CI, about 1 run in 50 on a busy machine). Our commands are safe to repeat.
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
