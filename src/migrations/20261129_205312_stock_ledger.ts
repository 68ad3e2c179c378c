import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

// Generated, then completed by hand: stock becomes onHand and reserved with a ledger of movements.
// - Today's rows carry over without losing a unit: reserved = what the shop's open orders (awaiting payment
//   or paid) hold, onHand = the old quantity (what was left to sell) + reserved; each row's ledger starts
//   with an `initial` movement of onHand and one `reservation` per open order line, so the sums hold.
// - The database keeps the rules whatever the code does: onHand and reserved never below zero; movements
//   are append-only (UPDATE and DELETE refused by a trigger) and keep their stock row, product and pickup
//   point (RESTRICT).
// - idempotency_keys: Idempotency-Key claims of the stock operations (src/shop/idempotency.ts).
export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_stock_movements_type" AS ENUM('initial', 'receipt', 'count', 'write_off', 'reservation', 'release', 'handout', 'correction');
  CREATE TYPE "public"."enum_stock_movements_reason" AS ENUM('damaged', 'expired', 'lost', 'other');
  CREATE TABLE "stock_movements" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"stock_id" integer NOT NULL,
  	"product_id" varchar NOT NULL,
  	"store_id" integer NOT NULL,
  	"type" "enum_stock_movements_type" NOT NULL,
  	"on_hand_delta" numeric DEFAULT 0 NOT NULL,
  	"reserved_delta" numeric DEFAULT 0 NOT NULL,
  	"reason" "enum_stock_movements_reason",
  	"order_id" integer,
  	"by_id" integer,
  	"note" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "stock" ADD COLUMN "on_hand" numeric DEFAULT 0 NOT NULL;
  ALTER TABLE "stock" ADD COLUMN "reserved" numeric DEFAULT 0 NOT NULL;
  ALTER TABLE "stock" ADD COLUMN "low_stock_threshold" numeric;
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "stock_movements_id" integer;
  ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_stock_id_stock_id_fk" FOREIGN KEY ("stock_id") REFERENCES "public"."stock"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_by_id_users_id_fk" FOREIGN KEY ("by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "stock_movements_stock_idx" ON "stock_movements" USING btree ("stock_id");
  CREATE INDEX "stock_movements_product_idx" ON "stock_movements" USING btree ("product_id");
  CREATE INDEX "stock_movements_store_idx" ON "stock_movements" USING btree ("store_id");
  CREATE INDEX "stock_movements_type_idx" ON "stock_movements" USING btree ("type");
  CREATE INDEX "stock_movements_order_idx" ON "stock_movements" USING btree ("order_id");
  CREATE INDEX "stock_movements_by_idx" ON "stock_movements" USING btree ("by_id");
  CREATE INDEX "stock_movements_updated_at_idx" ON "stock_movements" USING btree ("updated_at");
  CREATE INDEX "stock_movements_created_at_idx" ON "stock_movements" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_stock_movements_fk" FOREIGN KEY ("stock_movements_id") REFERENCES "public"."stock_movements"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_stock_movements_id_idx" ON "payload_locked_documents_rels" USING btree ("stock_movements_id");

  UPDATE "stock" s SET "reserved" = coalesce((
    SELECT sum(ol."quantity") FROM "order_lines" ol JOIN "orders" o ON o."id" = ol."order_id"
    WHERE o."status" IN ('awaiting_payment', 'paid') AND ol."product_id" = s."product_id" AND o."pickup_point_id" = s."store_id"
  ), 0);
  UPDATE "stock" SET "on_hand" = "quantity" + "reserved";
  INSERT INTO "stock_movements" ("stock_id", "product_id", "store_id", "type", "on_hand_delta", "reserved_delta", "note")
    SELECT "id", "product_id", "store_id", 'initial', "on_hand", 0, 'carried over: stock left + open orders' FROM "stock";
  INSERT INTO "stock_movements" ("stock_id", "product_id", "store_id", "type", "on_hand_delta", "reserved_delta", "order_id")
    SELECT s."id", s."product_id", s."store_id", 'reservation', 0, ol."quantity", o."id"
    FROM "order_lines" ol JOIN "orders" o ON o."id" = ol."order_id"
    JOIN "stock" s ON s."product_id" = ol."product_id" AND s."store_id" = o."pickup_point_id"
    WHERE o."status" IN ('awaiting_payment', 'paid');
  ALTER TABLE "stock" DROP COLUMN "quantity";

  ALTER TABLE "stock" ADD CONSTRAINT "stock_on_hand_not_negative" CHECK ("on_hand" >= 0);
  ALTER TABLE "stock" ADD CONSTRAINT "stock_reserved_not_negative" CHECK ("reserved" >= 0);
  ALTER TABLE "stock" ADD CONSTRAINT "stock_low_stock_threshold_not_negative" CHECK ("low_stock_threshold" >= 0);
  ALTER TABLE "stock_movements" DROP CONSTRAINT "stock_movements_stock_id_stock_id_fk";
  ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_stock_id_stock_id_fk" FOREIGN KEY ("stock_id") REFERENCES "public"."stock"("id") ON DELETE restrict ON UPDATE no action;
  ALTER TABLE "stock_movements" DROP CONSTRAINT "stock_movements_product_id_products_id_fk";
  ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;
  ALTER TABLE "stock_movements" DROP CONSTRAINT "stock_movements_store_id_stores_id_fk";
  ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;
  ALTER TABLE "stock_movements" DROP CONSTRAINT "stock_movements_order_id_orders_id_fk";
  ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;
  CREATE FUNCTION "stock_movements_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'stock movements are append-only' USING ERRCODE = 'insufficient_privilege';
  END $$;
  CREATE TRIGGER "stock_movements_append_only" BEFORE UPDATE OR DELETE ON "stock_movements"
    FOR EACH ROW EXECUTE FUNCTION "stock_movements_append_only"();

  CREATE TABLE "idempotency_keys" (
    "id" serial PRIMARY KEY,
    "scope" varchar(64) NOT NULL,
    "user_id" integer NOT NULL,
    "key" varchar(255) NOT NULL,
    "request_hash" char(64) NOT NULL,
    "response" jsonb,
    "created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
    UNIQUE ("scope", "user_id", "key")
  );
  CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys" ("created_at");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP TABLE "idempotency_keys";
  ALTER TABLE "stock" ADD COLUMN "quantity" numeric DEFAULT 0 NOT NULL;
  UPDATE "stock" SET "quantity" = GREATEST("on_hand" - "reserved", 0);
  ALTER TABLE "stock_movements" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "stock_movements" CASCADE;
  DROP FUNCTION "stock_movements_append_only"();
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_stock_movements_fk";
  
  DROP INDEX "payload_locked_documents_rels_stock_movements_id_idx";
  ALTER TABLE "stock" ADD CONSTRAINT "stock_quantity_not_negative" CHECK ("quantity" >= 0);
  ALTER TABLE "stock" DROP COLUMN "on_hand";
  ALTER TABLE "stock" DROP COLUMN "reserved";
  ALTER TABLE "stock" DROP COLUMN "low_stock_threshold";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "stock_movements_id";
  DROP TYPE "public"."enum_stock_movements_type";
  DROP TYPE "public"."enum_stock_movements_reason";`)
}
