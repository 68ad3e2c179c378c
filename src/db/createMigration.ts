// npm run migrate:create -- <name>: writes a migration for what changed in the config since the last one.
// Needs no database: it compares the config's schema with the latest committed snapshot.
import { getPayload } from 'payload'

import config from '../../payload.config'

const name = process.argv[2]
if (!name || !/^[a-z0-9_]+$/i.test(name)) {
  console.error('usage: npm run migrate:create -- <name>   (letters, digits and _)')
  process.exit(2)
}
const payload = await getPayload({ config, disableDBConnect: true, disableOnInit: true })
await payload.db.createMigration({ migrationName: name, payload, forceAcceptWarning: true })
process.exit(0)
