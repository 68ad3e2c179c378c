// Starts a Node process (the server) and starts it again when Node quits it with code 13 while it is
// still loading its modules. Why: on Node 20 a process sometimes exits with 13 ("unsettled top-level
// await") while the module graph of Payload, Next and their dependencies loads under CPU load, before
// the first line of our code runs (measured: about 1 start in 25–40 on a busy 2-core machine; more with
// --enable-source-maps). Nothing of ours has run then, so starting again is safe. Signals go to the child;
// its exit code is ours.
import { spawn } from 'node:child_process'

const UNSETTLED_TOP_LEVEL_AWAIT = 13
const ATTEMPTS = 3
const args = process.argv.slice(2)

let child
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child?.kill(signal))

for (let attempt = 1; ; attempt++) {
  child = spawn(process.execPath, args, { stdio: 'inherit' })
  const [code, signal] = await new Promise((resolve) => child.once('exit', (c, s) => resolve([c, s])))
  if (code === UNSETTLED_TOP_LEVEL_AWAIT && attempt < ATTEMPTS) {
    process.stderr.write(`Node quit while loading modules (exit 13); starting again (${attempt + 1}/${ATTEMPTS})\n`)
    continue
  }
  process.exit(code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15) : 1))
}
