// `npm start`: one web process (src/web.ts), or with WEB_CONCURRENCY=N a primary that runs N of them on
// this machine (node:cluster: they share the port) and starts nothing of the shop itself.
import cluster from 'node:cluster'

import { env } from './env'

if (env.webConcurrency > 1 && cluster.isPrimary) {
  const { runWebCluster } = await import('./webCluster')
  await runWebCluster(env.webConcurrency)
} else {
  await import('./web')
}
