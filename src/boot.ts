// Brings the shop up in this process: database, migrations, Payload, demo data. Used by the HTTP server,
// create-admin and the benchmark, so they all start the same way.
import type { Payload } from 'payload'
import { createLocalReq, getPayload } from 'payload'

import { closeOutsidePool } from './db/sql'
import { buildShopConfig } from './config'
import { provideDatabase, type ShopDatabase } from './db/database'
import { closePool, migrateDatabase, watchPool } from './db/migrate'
import { env } from './env'
import { dropAbandonedJobs, sweepNow } from './jobs'
import { closePaymentGateway } from './payments'
import { seedDemoData } from './seed/demo'
import { catalogueSearchProblem } from './shop/catalogue'

export type RunningShop = { payload: Payload; stop: () => Promise<void> }

export async function bootShop({
  withJobs = false,
  seedDemo = env.seedDemo,
}: { withJobs?: boolean; seedDemo?: boolean } = {}): Promise<RunningShop> {
  const database = await provideDatabase()
  // Built only now, for the database provideDatabase chose.
  const config = buildShopConfig({ databaseUrl: database.url, autoRunJobs: withJobs })
  const payload = await getPayload({ config })
  if (env.isProduction && env.payment.gateway === 'stub') {
    payload.logger.warn('PAYMENT_GATEWAY=stub: payments are simulated. tok_visa "pays" and no money is taken; never run a real shop like this.')
  }
  watchPool(payload)
  await migrateDatabase(payload)
  const searchProblem = await catalogueSearchProblem(await createLocalReq({}, payload))
  if (searchProblem) payload.logger.warn(searchProblem)
  if (seedDemo) await seedDemoData(payload)
  // Scheduled jobs start only once the schema exists, and at boot rather than on the first request.
  let sweeper: NodeJS.Timeout | undefined
  let firstSweep: Promise<unknown> | undefined
  if (withJobs) {
    await getPayload({ config, cron: true })
    const sweep = () =>
      dropAbandonedJobs(payload).catch((err) => payload.logger.warn(`Could not check for abandoned jobs: ${(err as Error).message}`))
    await sweep()
    sweeper = setInterval(sweep, 60_000).unref()
    // In the background: a backlog (each order asks the gateway) must not hold up the start.
    firstSweep = sweepNow(payload).catch((err) => payload.logger.warn(`The first sweep failed (the scheduled runs retry): ${(err as Error).message}`))
  }
  return running(payload, database, async () => {
    clearInterval(sweeper)
    await firstSweep
  })
}

function running(payload: Payload, database: ShopDatabase, stopTimers: () => Promise<void>): RunningShop {
  let stopped = false
  return {
    payload,
    stop: async () => {
      if (stopped) return
      stopped = true
      await stopTimers()
      await payload.destroy().catch(() => {})
      await closePaymentGateway(payload)
      await closeOutsidePool(payload)
      await closePool(payload)
      await database.stop()
    },
  }
}
