// The Node flags `npm start` (and `npm run worker`) give the production bundles, read from package.json,
// so that the bench and the browser tests run the server exactly as it is started in production.
import fs from 'node:fs'
import path from 'node:path'

/** The `--flags` between `node` and the bundle in a package.json script, e.g. ['--max-semi-space-size=16']. */
export function nodeFlagsOf(script: 'start' | 'worker', root = process.cwd()): string[] {
  const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>
  const command = /\bnode((?:\s+--\S+)*)\s+dist\/\w+\.mjs/.exec(scripts[script] ?? '')
  if (!command) throw new Error(`package.json's "${script}" script does not run node on a bundle in dist/`)
  return command[1]!.trim().split(/\s+/).filter(Boolean)
}
