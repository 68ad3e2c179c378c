// Brings the shop up in this process: database, migrations, Payload, demo data. Used by the HTTP server,
// create-admin and the benchmark, so they all start the same way.
import type { Payload } from 'payload'
import { getPayload } from 'payload'

import { provideDatabase, type ShopDatabase } from './db/database'
import { closePool, migrateDatabase, watchPool } from './db/migrate'
import { env } from './env'

export type RunningShop = { payload: Payload; stop: () => Promise<void> }

export async function bootShop({
  withJobs = false,
  seedDemo = env.seedDemo,
}: { withJobs?: boolean; seedDemo?: boolean } = {}): Promise<RunningShop> {
  // Node 20 with tsx's off-thread module hooks: while a dynamic import waits on the hooks thread nothing
  // keeps the event loop alive, and under load the process quit with exit code 13 (unsettled top-level
  // await; seen in CI for create-admin). A timer holds it open until boot is done.
  const keepAlive = setInterval(() => {}, 60_000)
  try {
    const database = await provideDatabase()
    // Imported only now: the config reads the database URL that provideDatabase may just have set.
    const { default: config } = await import('../payload.config')
    const payload = await getPayload({ config })
    watchPool(payload)
    await migrateDatabase(payload)
    if (seedDemo) {
      const { seedDemoData } = await import('./seed/demo')
      await seedDemoData(payload)
    }
    // Scheduled jobs start only once the schema exists, and at boot rather than on the first request.
    if (withJobs) await getPayload({ config, cron: true })
    return running(payload, database)
  } finally {
    clearInterval(keepAlive)
  }
}

function running(payload: Payload, database: ShopDatabase): RunningShop {
  let stopped = false
  return {
    payload,
    stop: async () => {
      if (stopped) return
      stopped = true
      await payload.destroy().catch(() => {})
      await closePool(payload)
      await database.stop()
    },
  }
}
