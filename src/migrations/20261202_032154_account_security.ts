import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db }: MigrateUpArgs): Promise<void> {
  // Staff and admins are deactivated, not deleted (the ledger keeps who did what).
  await db.execute(sql`
   ALTER TABLE "users" ADD COLUMN "active" boolean DEFAULT true;
   UPDATE "users" SET "active" = true WHERE "active" IS NULL;`)
  // The ledger never names a buyer: movements a buyer caused (cancelling their own order) name nobody.
  // The one change the append-only trigger allows: by_id to NULL, every other column as it was.
  await db.execute(sql`
   UPDATE "stock_movements" SET "by_id" = NULL
   WHERE "by_id" IN (SELECT "id" FROM "users" WHERE "role" NOT IN ('staff', 'admin'));`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  // Who made those movements is not restored: it was never the shop's to keep.
  await db.execute(sql`
   ALTER TABLE "users" DROP COLUMN "active";`)
}
