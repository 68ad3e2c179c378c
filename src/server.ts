// `npm start`: one web process (src/web.ts), or with WEB_CONCURRENCY=N a primary that runs N of them on
// this machine (node:cluster: they share the port) and starts nothing of the shop itself.
import cluster from 'node:cluster'

import { scrubConsole } from './lib/scrub'

// Next's and Payload's own console output goes through the logger's scrub, in every process of the shop:
// first, before anything else is loaded (so not even env.ts and its zod), as a library may print at start.
scrubConsole()
const { env } = await import('./env')

if (env.webConcurrency > 1 && cluster.isPrimary) {
  const { runWebCluster } = await import('./webCluster')
  await runWebCluster(env.webConcurrency)
} else {
  await import('./web')
}
