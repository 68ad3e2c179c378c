// Does the config describe a schema that the committed migrations do not create? Compares the schema
// Payload derives from the config with the latest migration snapshot, the way `migrate:create` would,
// without writing anything or asking anything.
import fs from 'node:fs'
import path from 'node:path'

import type { Payload } from 'payload'

type DrizzleKit = {
  generateDrizzleJson: (schema: unknown) => Promise<{ version: string }> | { version: string }
  generateMigration: (before: unknown, after: unknown) => Promise<string[]>
  upSnapshot?: (snapshot: unknown) => unknown
}

export async function pendingSchemaChanges(payload: Payload): Promise<string[]> {
  const db = payload.db as unknown as {
    requireDrizzleKit: () => DrizzleKit
    schema: unknown
    migrationDir: string
    defaultDrizzleSnapshot: unknown
  }
  const kit = db.requireDrizzleKit()
  const after = await kit.generateDrizzleJson(db.schema)
  const snapshots = fs.readdirSync(db.migrationDir).filter((f) => f.endsWith('.json')).sort()
  const latest = snapshots.at(-1)
  let before: unknown = db.defaultDrizzleSnapshot
  if (latest) {
    before = JSON.parse(fs.readFileSync(path.join(db.migrationDir, latest), 'utf8'))
    const version = (before as { version: string }).version
    if (kit.upSnapshot && version < after.version) before = kit.upSnapshot(before)
  }
  return kit.generateMigration(before, after)
}
