// A shop process for the reliability tests: the same boot and Express app as src/server.ts, without Next
// (the admin panel plays no part in checkout). Prints READY <port> once it listens.
import { bootShop } from '../../src/boot'
import { env } from '../../src/env'
import { createApp } from '../../src/http/app'

const shop = await bootShop({ withJobs: false, seedDemo: false })
const server = createApp(shop.payload).listen(env.port, '127.0.0.1', () => console.log(`READY ${env.port}`))
process.on('SIGTERM', async () => {
  server.close()
  server.closeAllConnections()
  await shop.stop()
  process.exit(0)
})
