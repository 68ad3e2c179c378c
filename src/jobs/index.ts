// Background work on Payload's jobs queue: the settlement of unfinished orders (scheduled every minute)
// and the buyers' emails (every 10 s). Crons run only in the server process (see boot.ts).
import type { JobsConfig, Payload, PayloadRequest } from 'payload'
import { createLocalReq } from 'payload'

import { can, nobody } from '../access'
import { execute, sql } from '../db/sql'
import { EMAIL_QUEUE, NOTIFICATION_TASK, sendDueNotifications } from '../shop/emails'
import { settleOrders } from '../shop/settlement'

export const SETTLEMENT_TASK = 'settleOrders'
export const SETTLEMENT_QUEUE = 'settlement'

// Our operations open and commit their own transactions (one per decision) and call the gateway between
// them, so they get a request of their own rather than the job runner's.
const freshRequest = (req: PayloadRequest) => createLocalReq({}, req.payload)

export function shopJobs({ autoRun }: { autoRun: boolean }): JobsConfig {
  return {
    // The REST endpoints /api/payload-jobs/run etc. are for admins only (Payload lets any user by default).
    access: {
      run: can('jobs.run'),
      queue: can('jobs.run'),
      cancel: can('jobs.run'),
    },
    jobsCollectionOverrides: ({ defaultJobsCollection }) => ({
      ...defaultJobsCollection,
      access: {
        read: can('jobs.run'),
        create: nobody,
        update: nobody,
        delete: can('jobs.run'),
      },
    }),
    deleteJobOnComplete: true,
    tasks: [
      {
        slug: SETTLEMENT_TASK,
        label: 'Settle unfinished orders and expire uncollected ones',
        retries: 0, // the next scheduled run is the retry
        schedule: [{ cron: '0 * * * * *', queue: SETTLEMENT_QUEUE }],
        outputSchema: [
          { name: 'paid', type: 'number' },
          { name: 'cancelled', type: 'number' },
          { name: 'ready', type: 'number' },
          { name: 'released', type: 'number' },
          { name: 'refunded', type: 'number' },
          { name: 'expired', type: 'number' },
        ],
        handler: async ({ req }) => ({ output: await settleOrders(await freshRequest(req)) }),
      },
      {
        slug: NOTIFICATION_TASK,
        label: 'Send due order emails (confirmation, ready, cancelled)',
        retries: 0, // each email keeps its own attempts and lease (src/shop/emails.ts)
        schedule: [{ cron: '*/10 * * * * *', queue: EMAIL_QUEUE }],
        outputSchema: [
          { name: 'sent', type: 'number' },
          { name: 'skipped', type: 'number' },
          { name: 'failed', type: 'number' },
        ],
        handler: async ({ req }) => ({ output: await sendDueNotifications(await freshRequest(req)) }),
      },
    ],
    autoRun: autoRun
      ? [
          // Quiet at info level ("Running 1 jobs" every 10 s); the tasks log what they decide themselves.
          { cron: '0 * * * * *', queue: SETTLEMENT_QUEUE, limit: 1, silent: { info: true } },
          { cron: '*/10 * * * * *', queue: EMAIL_QUEUE, limit: 1, silent: { info: true } },
        ]
      : [],
  }
}

/** Longer than any run of our tasks can take (settlement: one batch; emails: 8 s plus one send ≤ 2 min). */
const ABANDONED_AFTER = sql`interval '15 minutes'`

/**
 * Payload queues a scheduled task again only while none of its jobs is queued or running, and never picks
 * up a job still marked `processing`: a process that dies during a run would stop that task for good (no
 * more settlement, no more emails). Our tasks are idempotent sweeps, so a job left `processing` for longer
 * than any run takes is deleted; the next cron tick queues a fresh one, which redoes whatever was left.
 */
export async function dropAbandonedJobs(payload: Payload): Promise<number> {
  const { rowCount } = await execute(
    await createLocalReq({}, payload),
    sql`DELETE FROM payload_jobs
        WHERE processing AND completed_at IS NULL
          AND task_slug::text IN (${SETTLEMENT_TASK}, ${NOTIFICATION_TASK})
          AND updated_at < now() - ${ABANDONED_AFTER}`,
  )
  if (rowCount > 0) payload.logger.warn(`Dropped ${rowCount} job(s) left running by a process that stopped; they run again on schedule`)
  return rowCount
}
