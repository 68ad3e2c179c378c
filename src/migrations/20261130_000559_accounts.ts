import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_users_locale" AS ENUM('ru', 'en');
  CREATE TABLE "login_throttles" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"account" varchar NOT NULL,
  	"ip" varchar NOT NULL,
  	"user_id" integer,
  	"failures" numeric DEFAULT 0 NOT NULL,
  	"last_failure_at" timestamp(3) with time zone NOT NULL,
  	"blocked_until" timestamp(3) with time zone,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "users" ADD COLUMN "locale" "enum_users_locale";
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "login_throttles_id" integer;
  ALTER TABLE "login_throttles" ADD CONSTRAINT "login_throttles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "login_throttles_account_idx" ON "login_throttles" USING btree ("account");
  CREATE INDEX "login_throttles_user_idx" ON "login_throttles" USING btree ("user_id");
  CREATE INDEX "login_throttles_updated_at_idx" ON "login_throttles" USING btree ("updated_at");
  CREATE INDEX "login_throttles_created_at_idx" ON "login_throttles" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_login_throttles_fk" FOREIGN KEY ("login_throttles_id") REFERENCES "public"."login_throttles"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_login_throttles_id_idx" ON "payload_locked_documents_rels" USING btree ("login_throttles_id");`)
  // Written by src/shop/loginThrottle.ts: one row per account and address (upserted), and per account the
  // failures of the current hour across all addresses.
  await db.execute(sql`
  CREATE UNIQUE INDEX "login_throttles_account_ip_idx" ON "login_throttles" ("account", "ip");
  CREATE TABLE "login_accounts" (
    "account" varchar(64) PRIMARY KEY,
    "window_start" timestamptz NOT NULL,
    "failures" integer NOT NULL,
    "next_attempt_at" timestamptz
  );`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   DROP TABLE "login_accounts";
   ALTER TABLE "login_throttles" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "login_throttles" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_login_throttles_fk";
  
  DROP INDEX "payload_locked_documents_rels_login_throttles_id_idx";
  ALTER TABLE "users" DROP COLUMN "locale";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "login_throttles_id";
  DROP TYPE "public"."enum_users_locale";`)
}
