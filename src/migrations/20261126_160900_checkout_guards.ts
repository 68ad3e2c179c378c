import { MigrateDownArgs, MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// Written by hand: what the database itself guarantees about orders (nothing an order points at may be
// deleted; positive quantities), the checkout claims (one running checkout per buyer, one answer per
// Idempotency-Key) and the payment stub's ledger, plus the indexes the settlement job reads by.
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  ALTER TABLE "orders" DROP CONSTRAINT "orders_buyer_id_users_id_fk";
  ALTER TABLE "orders" ADD CONSTRAINT "orders_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;
  ALTER TABLE "orders" DROP CONSTRAINT "orders_pickup_point_id_stores_id_fk";
  ALTER TABLE "orders" ADD CONSTRAINT "orders_pickup_point_id_stores_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;
  ALTER TABLE "order_lines" DROP CONSTRAINT "order_lines_order_id_orders_id_fk";
  ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;
  ALTER TABLE "order_lines" DROP CONSTRAINT "order_lines_product_id_products_id_fk";
  ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;
  ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_quantity_positive" CHECK ("quantity" > 0);
  ALTER TABLE "orders" ADD CONSTRAINT "orders_total_not_negative" CHECK ("total" >= 0);
  CREATE INDEX "orders_awaiting_payment_idx" ON "orders" ("expires_at") WHERE "status" = 'awaiting_payment';
  CREATE INDEX "orders_payment_open_idx" ON "orders" ("id") WHERE "payment_state" IN ('unknown', 'refund_due');

  CREATE TABLE "checkout_requests" (
    "id" bigserial PRIMARY KEY,
    "buyer_id" integer NOT NULL REFERENCES "public"."users"("id") ON DELETE cascade,
    "key" varchar(255),
    "request_hash" varchar(64) NOT NULL,
    "state" varchar(16) NOT NULL CHECK ("state" IN ('running', 'done')),
    "order_id" integer REFERENCES "public"."orders"("id") ON DELETE restrict,
    "started_at" timestamptz NOT NULL DEFAULT now(),
    "created_at" timestamptz NOT NULL DEFAULT now()
  );
  CREATE UNIQUE INDEX "checkout_requests_buyer_key_idx" ON "checkout_requests" ("buyer_id", "key");
  CREATE UNIQUE INDEX "checkout_requests_one_running_idx" ON "checkout_requests" ("buyer_id") WHERE "state" = 'running';
  CREATE INDEX "checkout_requests_created_at_idx" ON "checkout_requests" ("created_at");

  CREATE TABLE "payment_stub_charges" (
    "idempotency_key" varchar(255) PRIMARY KEY,
    "token" varchar(200) NOT NULL,
    "amount" bigint NOT NULL CHECK ("amount" >= 0),
    "currency" varchar(3) NOT NULL,
    "status" varchar(16) NOT NULL CHECK ("status" IN ('approved', 'declined')),
    "charge_id" varchar(64) UNIQUE,
    "reason" varchar(64),
    "refunded_at" timestamptz,
    "refund_id" varchar(64),
    "refund_key" varchar(255),
    "created_at" timestamptz NOT NULL DEFAULT now()
  );
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP TABLE "payment_stub_charges";
  DROP TABLE "checkout_requests";
  DROP INDEX "orders_payment_open_idx";
  DROP INDEX "orders_awaiting_payment_idx";
  ALTER TABLE "orders" DROP CONSTRAINT "orders_total_not_negative";
  ALTER TABLE "order_lines" DROP CONSTRAINT "order_lines_quantity_positive";
  `)
}
