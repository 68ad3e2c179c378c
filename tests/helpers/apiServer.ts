// A shop process for the reliability tests: the same boot and Express app as src/server.ts, without Next
// (the admin panel plays no part in checkout). Prints READY <port> once it listens.
import { bootShop } from '../../src/boot'
import { env } from '../../src/env'
import { closeGracefully, createApp } from '../../src/http/app'

const shop = await bootShop({ withJobs: false, seedDemo: false })
const app = createApp(shop.payload, { storefront: false })
const server = app.listen(env.port, '127.0.0.1', () => console.log(`READY ${env.port}`))
// The same graceful stop as src/server.ts.
process.on('SIGTERM', async () => {
  await closeGracefully(app, server)
  await shop.stop()
  process.exit(0)
})
