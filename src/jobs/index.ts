// Background work on Payload's jobs queue: the settlement of unfinished orders (scheduled every minute)
// and the buyers' emails (every 10 s). Crons run where bootShop is asked for jobs (src/boot.ts): the web
// process unless SHOP_JOBS=off, the first of WEB_CONCURRENCY processes, and every `npm run worker`.
import type { JobsConfig, Payload, PayloadRequest } from 'payload'
import { createLocalReq } from 'payload'

import { can, nobody } from '../access'
import { execute, sql } from '../db/sql'
import { countedRun } from '../metrics'
import { EMAIL_QUEUE, NOTIFICATION_TASK, sendDueNotifications } from '../shop/emails'
import { settleOrders } from '../shop/settlement'
import { postgresOf } from '../db/adapter'

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
    // Kept, and deleted by the sweep below a while later: with several runners, Payload's runner that
    // finishes second would update a job the first one already deleted, and fail.
    deleteJobOnComplete: false,
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
        handler: async ({ req }) => ({
          output: await alone(req, SETTLEMENT_TASK, { paid: 0, cancelled: 0, ready: 0, released: 0, refunded: 0, expired: 0 }, async () =>
            countedRun(SETTLEMENT_TASK, async () => settleOrders(await freshRequest(req))),
          ),
        }),
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
        handler: async ({ req }) => ({
          output: await alone(req, NOTIFICATION_TASK, { sent: 0, skipped: 0, failed: 0 }, async () =>
            countedRun(NOTIFICATION_TASK, async () => sendDueNotifications(await freshRequest(req))),
          ),
        }),
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

/** Advisory lock keys (space, hashtext(task)) for one runner per task at a time. */
const TASK_LOCK_SPACE = 4_200_100

/**
 * Runs a task's sweep in one process at a time. Payload's job queue on PostgreSQL claims a job by reading
 * then writing, so two runners (two workers, or web processes with SHOP_JOBS=on) can take the same job, and
 * each queues the schedule's next run. Our sweeps are safe to run twice, but need not: a session advisory
 * lock per task, and the runner that does not get it skips the run (the other one is doing the work). A
 * process that dies holding it loses it with its connection.
 */
async function alone<T>(req: PayloadRequest, task: string, skipped: T, run: () => Promise<T>): Promise<T> {
  const client = await postgresOf(req.payload).pool.connect()
  try {
    const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS got', [TASK_LOCK_SPACE, task])
    if (!rows[0]?.got) return skipped
    try {
      return await run()
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [TASK_LOCK_SPACE, task])
    }
  } finally {
    client.release()
  }
}

/**
 * Both sweeps once, now: a worker or server (re)starting after downtime settles what became due meanwhile
 * at once instead of at its first scheduled runs (a minute or two later). Under the same locks as the
 * scheduled runs, so several processes starting together do the work once.
 */
export async function sweepNow(payload: Payload) {
  const req = await createLocalReq({}, payload)
  const settled = await alone(req, SETTLEMENT_TASK, null, async () => countedRun(SETTLEMENT_TASK, async () => settleOrders(await freshRequest(req))))
  const sent = await alone(req, NOTIFICATION_TASK, null, async () => countedRun(NOTIFICATION_TASK, async () => sendDueNotifications(await freshRequest(req))))
  return { settled, sent }
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
  // Finished runs are kept a while (see deleteJobOnComplete), then go.
  await execute(
    await createLocalReq({}, payload),
    sql`DELETE FROM payload_jobs
        WHERE completed_at < now() - interval '10 minutes' AND task_slug::text IN (${SETTLEMENT_TASK}, ${NOTIFICATION_TASK})`,
  )
  return rowCount
}
