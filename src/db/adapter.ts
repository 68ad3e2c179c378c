// Payload's database adapter as the PostgreSQL adapter it is (the config sets no other): its pool, its
// drizzle instance, its sessions. The one place that says so.
import type { PostgresAdapter } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

export const postgresOf = (payload: Payload): PostgresAdapter => payload.db as unknown as PostgresAdapter
