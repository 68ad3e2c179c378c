import { MigrateDownArgs, MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// Written by hand: the per-IP counter of login and registration attempts (src/collections/users/rateLimit.ts).
// One row per client IP and one-minute window, bumped by a single upsert per attempt, so every process of
// the shop counts against the same budget. Not a Payload collection: nothing but the limiter reads it.
// Rows of past windows are deleted by the limiter itself (at most once a minute per process); the table
// holds only the last few minutes' clients, so that delete needs no index of its own.
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  CREATE TABLE "auth_attempts" (
    "ip" varchar(64) NOT NULL,
    "window_start" timestamptz NOT NULL,
    "count" integer NOT NULL CHECK ("count" > 0),
    PRIMARY KEY ("ip", "window_start")
  );
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP TABLE "auth_attempts";
  `)
}
