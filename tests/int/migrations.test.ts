// The schema comes only from committed migrations, applied safely by several processes at once.
import { afterAll, describe, expect, it } from '@jest/globals'
import { getPayload } from 'payload'

import { buildShopConfig } from '../../src/config'
import { closePool, migrateDatabase } from '../../src/db/migrate'
import { pendingSchemaChanges } from '../../src/db/migrationDrift'
import { createDatabaseFrom, dropDatabase, SERVER_ENV, withClient } from '../helpers/testDatabase'
import { startTestShop, type TestShop } from '../helpers/shop'

const serverUrl = process.env[SERVER_ENV]!
let shop: TestShop | undefined
afterAll(async () => {
  await shop?.stop()
})

describe('migrations', () => {
  it('cover every change in the config (run `npm run migrate:create -- <name>` if this fails)', async () => {
    shop = await startTestShop()
    const statements = await pendingSchemaChanges(shop.payload)
    expect(statements).toEqual([])
  })

  it('can be applied by two processes at once on an empty database', async () => {
    const database = await createDatabaseFrom(serverUrl, null, 'shop_migrate')
    try {
      const instances = await Promise.all(
        ['a', 'b'].map((key) => getPayload({ config: buildShopConfig({ databaseUrl: database.url, poolMax: 3 }), key })),
      )
      await Promise.all(instances.map((payload) => migrateDatabase(payload)))
      await withClient(database.url, async (client) => {
        const { rows } = await client.query('SELECT name, batch FROM payload_migrations ORDER BY name')
        const names = rows.map((r) => r.name)
        expect(new Set(names).size).toBe(names.length) // each migration recorded once
        expect(names.length).toBeGreaterThanOrEqual(2)
        const { rows: tables } = await client.query("SELECT to_regclass('public.stock') AS t")
        expect(tables[0].t).toBe('stock')
      })
      for (const payload of instances) {
        await payload.destroy()
        await closePool(payload)
      }
    } finally {
      await dropDatabase(serverUrl, database.name)
    }
  })
})
