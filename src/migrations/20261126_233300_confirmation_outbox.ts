import { MigrateDownArgs, MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// Written by hand: confirmation emails move from one queued job per order to an outbox in the orders table
// (src/shop/confirmation.ts). A paid order with no `confirmation_sent_at` is due; `confirmation_next_at`
// is the lease of the attempt under way (and the back-off after a failed one).
// Runs before the migration that drops the old per-order task from Payload's enum of task slugs: the
// old jobs are turned into due orders here and then deleted, so none is left to block that change.
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  ALTER TABLE "orders"
    ADD COLUMN "confirmation_sent_at" timestamp(3) with time zone,
    ADD COLUMN "confirmation_attempts" integer DEFAULT 0 NOT NULL,
    ADD COLUMN "confirmation_next_at" timestamp(3) with time zone;

  -- Paid before this migration: already sent, unless the old job for it is still waiting to be tried
  -- (a job that failed for good stays failed: its email is not sent days late).
  UPDATE "orders" o SET "confirmation_sent_at" = COALESCE(o."paid_at", now())
  WHERE o."status" = 'paid'
    AND NOT EXISTS (
      SELECT 1 FROM "payload_jobs" j
      WHERE j."task_slug" = 'sendOrderConfirmation' AND j."completed_at" IS NULL AND j."has_error" IS NOT TRUE
        AND j."input"->>'orderId' = o."id"::text
    );
  DELETE FROM "payload_jobs" WHERE "task_slug" = 'sendOrderConfirmation';
  DELETE FROM "payload_jobs_log" WHERE "task_slug" = 'sendOrderConfirmation';

  -- What the sender looks for, kept small: only the paid orders still waiting for their email.
  CREATE INDEX "orders_confirmation_due_idx" ON "orders" ("paid_at")
    WHERE "status" = 'paid' AND "confirmation_sent_at" IS NULL;
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP INDEX "orders_confirmation_due_idx";
  ALTER TABLE "orders"
    DROP COLUMN "confirmation_sent_at",
    DROP COLUMN "confirmation_attempts",
    DROP COLUMN "confirmation_next_at";
  `)
}
