import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

// Generated, then completed by hand: in-store fulfilment.
// - Shop staff: a `staff` role and the stores each staff member works at (users_rels).
// - Orders: `ready` between paid and collected; authorize-then-capture money (authorized, captured,
//   refunded; payment states of the new model); each line's picked quantity. Orders paid before were
//   charged in full at checkout: they carry over with authorized = captured = total (refunded = total when
//   refunded), their payment `captured`; the charge id becomes the authorization id.
// - The payment stub's ledger becomes authorizations (with what was captured, voided and refunded of each)
//   plus the captures, voids and refunds made on them; a charge of the old kind is an authorization
//   captured in full.
// - The buyer's emails move from columns of orders (confirmation only) to order_notifications (one row per
//   order and kind: confirmation, ready, cancelled); confirmations still due carry over with their attempts.
//   The email task is renamed; its old queued jobs are dropped first (the schedule queues a new one).
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  ALTER TYPE "public"."enum_users_role" ADD VALUE 'staff' BEFORE 'admin';
  ALTER TYPE "public"."enum_orders_status" ADD VALUE 'ready' BEFORE 'collected';
  CREATE TABLE "users_rels" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"order" integer,
  	"parent_id" integer NOT NULL,
  	"path" varchar NOT NULL,
  	"stores_id" integer
  );

  DROP INDEX "orders_payment_open_idx";
  ALTER TABLE "orders" ALTER COLUMN "payment_state" SET DATA TYPE text;
  ALTER TABLE "orders" ALTER COLUMN "payment_state" SET DEFAULT 'pending'::text;
  UPDATE "orders" SET "payment_state" = 'captured' WHERE "payment_state" = 'charged';
  DROP TYPE "public"."enum_orders_payment_state";
  CREATE TYPE "public"."enum_orders_payment_state" AS ENUM('pending', 'authorized', 'capture_pending', 'captured', 'release_due', 'voided', 'refund_due', 'refunded', 'declined', 'unknown', 'none');
  ALTER TABLE "orders" ALTER COLUMN "payment_state" SET DEFAULT 'pending'::"public"."enum_orders_payment_state";
  ALTER TABLE "orders" ALTER COLUMN "payment_state" SET DATA TYPE "public"."enum_orders_payment_state" USING "payment_state"::"public"."enum_orders_payment_state";
  CREATE INDEX "orders_payment_due_idx" ON "orders" ("id") WHERE "payment_state" IN ('unknown', 'capture_pending', 'release_due', 'refund_due');

  DELETE FROM "payload_jobs" WHERE "task_slug" = 'sendOrderConfirmations';
  DELETE FROM "payload_jobs_log" WHERE "task_slug" = 'sendOrderConfirmations';
  ALTER TABLE "payload_jobs_log" ALTER COLUMN "task_slug" SET DATA TYPE text;
  DROP TYPE "public"."enum_payload_jobs_log_task_slug";
  CREATE TYPE "public"."enum_payload_jobs_log_task_slug" AS ENUM('inline', 'settleOrders', 'sendOrderEmails');
  ALTER TABLE "payload_jobs_log" ALTER COLUMN "task_slug" SET DATA TYPE "public"."enum_payload_jobs_log_task_slug" USING "task_slug"::"public"."enum_payload_jobs_log_task_slug";
  ALTER TABLE "payload_jobs" ALTER COLUMN "task_slug" SET DATA TYPE text;
  DROP TYPE "public"."enum_payload_jobs_task_slug";
  CREATE TYPE "public"."enum_payload_jobs_task_slug" AS ENUM('inline', 'settleOrders', 'sendOrderEmails');
  ALTER TABLE "payload_jobs" ALTER COLUMN "task_slug" SET DATA TYPE "public"."enum_payload_jobs_task_slug" USING "task_slug"::"public"."enum_payload_jobs_task_slug";

  ALTER TABLE "orders" ADD COLUMN "authorized" numeric;
  ALTER TABLE "orders" ADD COLUMN "captured" numeric;
  ALTER TABLE "orders" ADD COLUMN "refunded" numeric DEFAULT 0 NOT NULL;
  ALTER TABLE "orders" RENAME COLUMN "payment_charge_id" TO "payment_authorization_id";
  ALTER TABLE "orders" ADD COLUMN "ready_at" timestamp(3) with time zone;
  UPDATE "orders" SET "authorized" = "total",
    "captured" = CASE WHEN "payment_state" IN ('captured', 'refund_due', 'refunded') THEN "total" END,
    "refunded" = CASE WHEN "payment_state" = 'refunded' THEN "total" ELSE 0 END;
  ALTER TABLE "orders" ALTER COLUMN "authorized" SET NOT NULL;
  ALTER TABLE "orders" DROP COLUMN "payment_refund_id";
  ALTER TABLE "orders" ADD CONSTRAINT "orders_total_within_hold" CHECK ("total" <= "authorized");
  ALTER TABLE "orders" ADD CONSTRAINT "orders_captured_within_hold" CHECK ("captured" IS NULL OR ("captured" >= 0 AND "captured" <= "authorized"));
  ALTER TABLE "orders" ADD CONSTRAINT "orders_refunded_within_captured" CHECK ("refunded" >= 0 AND "refunded" <= coalesce("captured", 0));
  ALTER TABLE "order_lines" ADD COLUMN "picked_quantity" numeric;
  ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_picked_not_negative" CHECK ("picked_quantity" >= 0);
  ALTER TABLE "users_rels" ADD CONSTRAINT "users_rels_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "users_rels" ADD CONSTRAINT "users_rels_stores_fk" FOREIGN KEY ("stores_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "users_rels_order_idx" ON "users_rels" USING btree ("order");
  CREATE INDEX "users_rels_parent_idx" ON "users_rels" USING btree ("parent_id");
  CREATE INDEX "users_rels_path_idx" ON "users_rels" USING btree ("path");
  CREATE INDEX "users_rels_stores_id_idx" ON "users_rels" USING btree ("stores_id");
  CREATE INDEX "orders_ready_at_idx" ON "orders" USING btree ("ready_at");

  CREATE TABLE "order_notifications" (
    "id" bigserial PRIMARY KEY,
    "order_id" integer NOT NULL REFERENCES "public"."orders"("id") ON DELETE restrict,
    "kind" varchar(16) NOT NULL CHECK ("kind" IN ('confirmation', 'ready', 'cancelled')),
    "attempts" integer DEFAULT 0 NOT NULL,
    "next_at" timestamp(3) with time zone,
    "sent_at" timestamp(3) with time zone,
    "created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
    UNIQUE ("order_id", "kind")
  );
  CREATE INDEX "order_notifications_due_idx" ON "order_notifications" ("created_at") WHERE "sent_at" IS NULL;
  INSERT INTO "order_notifications" ("order_id", "kind", "attempts", "next_at", "sent_at", "created_at")
    SELECT "id", 'confirmation', "confirmation_attempts", "confirmation_next_at", "confirmation_sent_at", coalesce("paid_at", "created_at")
    FROM "orders" WHERE "status" = 'paid' AND "confirmation_sent_at" IS NULL;
  DROP INDEX "orders_confirmation_due_idx";
  ALTER TABLE "orders" DROP COLUMN "confirmation_sent_at", DROP COLUMN "confirmation_attempts", DROP COLUMN "confirmation_next_at";

  ALTER TABLE "payment_stub_charges" RENAME TO "payment_stub_authorizations";
  ALTER TABLE "payment_stub_authorizations" RENAME COLUMN "charge_id" TO "authorization_id";
  ALTER TABLE "payment_stub_authorizations"
    ADD COLUMN "captured" bigint DEFAULT 0 NOT NULL,
    ADD COLUMN "voided" bigint DEFAULT 0 NOT NULL,
    ADD COLUMN "refunded" bigint DEFAULT 0 NOT NULL;
  UPDATE "payment_stub_authorizations" SET "captured" = "amount" WHERE "status" = 'approved';
  UPDATE "payment_stub_authorizations" SET "refunded" = "amount" WHERE "refunded_at" IS NOT NULL;
  ALTER TABLE "payment_stub_authorizations" DROP COLUMN "refunded_at", DROP COLUMN "refund_id", DROP COLUMN "refund_key";
  ALTER TABLE "payment_stub_authorizations" ADD CONSTRAINT "payment_stub_amounts" CHECK ("captured" + "voided" <= "amount" AND "refunded" <= "captured");
  CREATE TABLE "payment_stub_operations" (
    "idempotency_key" varchar(255) PRIMARY KEY,
    "authorization_id" varchar(64) NOT NULL,
    "kind" varchar(16) NOT NULL CHECK ("kind" IN ('capture', 'void', 'refund')),
    "amount" bigint NOT NULL,
    "result_id" varchar(64),
    "declined" varchar(64),
    "created_at" timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX "payment_stub_operations_authorization_idx" ON "payment_stub_operations" ("authorization_id");`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP TABLE "payment_stub_operations";
  ALTER TABLE "payment_stub_authorizations" DROP CONSTRAINT "payment_stub_amounts";
  ALTER TABLE "payment_stub_authorizations" ADD COLUMN "refunded_at" timestamptz, ADD COLUMN "refund_id" varchar(64), ADD COLUMN "refund_key" varchar(255);
  UPDATE "payment_stub_authorizations" SET "refunded_at" = now() WHERE "refunded" > 0;
  ALTER TABLE "payment_stub_authorizations" DROP COLUMN "captured", DROP COLUMN "voided", DROP COLUMN "refunded";
  ALTER TABLE "payment_stub_authorizations" RENAME COLUMN "authorization_id" TO "charge_id";
  ALTER TABLE "payment_stub_authorizations" RENAME TO "payment_stub_charges";

  ALTER TABLE "orders" ADD COLUMN "confirmation_sent_at" timestamp(3) with time zone,
    ADD COLUMN "confirmation_attempts" integer DEFAULT 0 NOT NULL, ADD COLUMN "confirmation_next_at" timestamp(3) with time zone;
  UPDATE "orders" o SET "confirmation_sent_at" = coalesce(n."sent_at", CASE WHEN n."id" IS NULL THEN now() END),
    "confirmation_attempts" = coalesce(n."attempts", 0), "confirmation_next_at" = n."next_at"
    FROM "orders" o2 LEFT JOIN "order_notifications" n ON n."order_id" = o2."id" AND n."kind" = 'confirmation' WHERE o2."id" = o."id";
  CREATE INDEX "orders_confirmation_due_idx" ON "orders" ("paid_at") WHERE "status" = 'paid' AND "confirmation_sent_at" IS NULL;
  DROP TABLE "order_notifications";

  ALTER TABLE "users_rels" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "users_rels" CASCADE;
  UPDATE "users" SET "role" = 'buyer' WHERE "role" = 'staff';
  ALTER TABLE "users" ALTER COLUMN "role" SET DATA TYPE text;
  ALTER TABLE "users" ALTER COLUMN "role" SET DEFAULT 'buyer'::text;
  DROP TYPE "public"."enum_users_role";
  CREATE TYPE "public"."enum_users_role" AS ENUM('buyer', 'admin');
  ALTER TABLE "users" ALTER COLUMN "role" SET DEFAULT 'buyer'::"public"."enum_users_role";
  ALTER TABLE "users" ALTER COLUMN "role" SET DATA TYPE "public"."enum_users_role" USING "role"::"public"."enum_users_role";
  DROP INDEX "orders_awaiting_payment_idx";
  ALTER TABLE "orders" ALTER COLUMN "status" SET DATA TYPE text;
  ALTER TABLE "orders" ALTER COLUMN "status" SET DEFAULT 'awaiting_payment'::text;
  UPDATE "orders" SET "status" = 'paid' WHERE "status" = 'ready';
  DROP TYPE "public"."enum_orders_status";
  CREATE TYPE "public"."enum_orders_status" AS ENUM('awaiting_payment', 'paid', 'collected', 'cancelled');
  ALTER TABLE "orders" ALTER COLUMN "status" SET DEFAULT 'awaiting_payment'::"public"."enum_orders_status";
  ALTER TABLE "orders" ALTER COLUMN "status" SET DATA TYPE "public"."enum_orders_status" USING "status"::"public"."enum_orders_status";
  CREATE INDEX "orders_awaiting_payment_idx" ON "orders" ("expires_at") WHERE "status" = 'awaiting_payment';
  DROP INDEX "orders_payment_due_idx";
  ALTER TABLE "orders" ALTER COLUMN "payment_state" SET DATA TYPE text;
  ALTER TABLE "orders" ALTER COLUMN "payment_state" SET DEFAULT 'pending'::text;
  UPDATE "orders" SET "payment_state" = CASE "payment_state"
    WHEN 'captured' THEN 'charged' WHEN 'authorized' THEN 'charged' WHEN 'capture_pending' THEN 'charged'
    WHEN 'release_due' THEN 'none' WHEN 'voided' THEN 'none' ELSE "payment_state" END;
  DROP TYPE "public"."enum_orders_payment_state";
  CREATE TYPE "public"."enum_orders_payment_state" AS ENUM('pending', 'charged', 'declined', 'unknown', 'refund_due', 'refunded', 'none');
  ALTER TABLE "orders" ALTER COLUMN "payment_state" SET DEFAULT 'pending'::"public"."enum_orders_payment_state";
  ALTER TABLE "orders" ALTER COLUMN "payment_state" SET DATA TYPE "public"."enum_orders_payment_state" USING "payment_state"::"public"."enum_orders_payment_state";
  CREATE INDEX "orders_payment_open_idx" ON "orders" ("id") WHERE "payment_state" IN ('unknown', 'refund_due');
  ALTER TABLE "payload_jobs_log" ALTER COLUMN "task_slug" SET DATA TYPE text;
  DROP TYPE "public"."enum_payload_jobs_log_task_slug";
  CREATE TYPE "public"."enum_payload_jobs_log_task_slug" AS ENUM('inline', 'settleOrders', 'sendOrderConfirmations');
  ALTER TABLE "payload_jobs_log" ALTER COLUMN "task_slug" SET DATA TYPE "public"."enum_payload_jobs_log_task_slug" USING "task_slug"::"public"."enum_payload_jobs_log_task_slug";
  DELETE FROM "payload_jobs" WHERE "task_slug" = 'sendOrderEmails';
  ALTER TABLE "payload_jobs" ALTER COLUMN "task_slug" SET DATA TYPE text;
  DROP TYPE "public"."enum_payload_jobs_task_slug";
  CREATE TYPE "public"."enum_payload_jobs_task_slug" AS ENUM('inline', 'settleOrders', 'sendOrderConfirmations');
  ALTER TABLE "payload_jobs" ALTER COLUMN "task_slug" SET DATA TYPE "public"."enum_payload_jobs_task_slug" USING "task_slug"::"public"."enum_payload_jobs_task_slug";
  DROP INDEX "orders_ready_at_idx";
  ALTER TABLE "orders" DROP CONSTRAINT "orders_total_within_hold", DROP CONSTRAINT "orders_captured_within_hold", DROP CONSTRAINT "orders_refunded_within_captured";
  ALTER TABLE "orders" RENAME COLUMN "payment_authorization_id" TO "payment_charge_id";
  ALTER TABLE "orders" ADD COLUMN "payment_refund_id" varchar;
  ALTER TABLE "orders" DROP COLUMN "authorized", DROP COLUMN "captured", DROP COLUMN "refunded", DROP COLUMN "ready_at";
  ALTER TABLE "order_lines" DROP COLUMN "picked_quantity";`)
}
