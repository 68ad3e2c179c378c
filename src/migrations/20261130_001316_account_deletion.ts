import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "orders" ALTER COLUMN "buyer_id" DROP NOT NULL;
  ALTER TABLE "orders" ALTER COLUMN "contact_first_name" DROP NOT NULL;
  ALTER TABLE "orders" ALTER COLUMN "contact_last_name" DROP NOT NULL;
  ALTER TABLE "orders" ALTER COLUMN "contact_phone" DROP NOT NULL;`)
  // An order keeps its contact exactly as long as it keeps its buyer: erasing one erases the other.
  await db.execute(sql`
  ALTER TABLE "orders" ADD CONSTRAINT "orders_contact_with_buyer" CHECK (
    ("buyer_id" IS NOT NULL AND "contact_first_name" IS NOT NULL AND "contact_last_name" IS NOT NULL AND "contact_phone" IS NOT NULL)
    OR ("buyer_id" IS NULL AND "contact_first_name" IS NULL AND "contact_last_name" IS NULL AND "contact_phone" IS NULL));`)
  // The ledger stays append-only, with one exception: forgetting who made a movement when that account is
  // deleted (the foreign key's SET NULL on by_id, every other column unchanged).
  await db.execute(sql`
  CREATE OR REPLACE FUNCTION "stock_movements_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'UPDATE' AND OLD.by_id IS NOT NULL AND NEW.by_id IS NULL
       AND (to_jsonb(NEW) - 'by_id') = (to_jsonb(OLD) - 'by_id') THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'stock movements are append-only' USING ERRCODE = 'insufficient_privilege';
  END $$;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   CREATE OR REPLACE FUNCTION "stock_movements_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'stock movements are append-only' USING ERRCODE = 'insufficient_privilege';
   END $$;
   ALTER TABLE "orders" DROP CONSTRAINT "orders_contact_with_buyer";
   ALTER TABLE "orders" ALTER COLUMN "buyer_id" SET NOT NULL;
  ALTER TABLE "orders" ALTER COLUMN "contact_first_name" SET NOT NULL;
  ALTER TABLE "orders" ALTER COLUMN "contact_last_name" SET NOT NULL;
  ALTER TABLE "orders" ALTER COLUMN "contact_phone" SET NOT NULL;`)
}
