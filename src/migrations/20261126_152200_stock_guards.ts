import { MigrateDownArgs, MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// Written by hand: rules the database itself must hold, whatever the code above it does.
// - stock never goes negative, even if a bug skipped the conditional update;
// - a product or pickup point with stock cannot be deleted (Payload's default, SET NULL on a NOT NULL
//   column, would fail with a less helpful error).
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  ALTER TABLE "stock" ADD CONSTRAINT "stock_quantity_not_negative" CHECK ("quantity" >= 0);
  ALTER TABLE "stock" DROP CONSTRAINT "stock_product_id_products_id_fk";
  ALTER TABLE "stock" ADD CONSTRAINT "stock_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;
  ALTER TABLE "stock" DROP CONSTRAINT "stock_store_id_stores_id_fk";
  ALTER TABLE "stock" ADD CONSTRAINT "stock_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  ALTER TABLE "stock" DROP CONSTRAINT "stock_quantity_not_negative";
  ALTER TABLE "stock" DROP CONSTRAINT "stock_product_id_products_id_fk";
  ALTER TABLE "stock" ADD CONSTRAINT "stock_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "stock" DROP CONSTRAINT "stock_store_id_stores_id_fk";
  ALTER TABLE "stock" ADD CONSTRAINT "stock_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE set null ON UPDATE no action;
  `)
}
