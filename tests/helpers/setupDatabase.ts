import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { getPayload } from 'payload'

import { buildShopConfig } from '../../src/config'
import { freePort, startEmbeddedPostgres } from '../../src/db/embedded'
import { closePool, migrateDatabase } from '../../src/db/migrate'
import { env } from '../../src/env'
import { createDatabaseFrom, SERVER_ENV, TEMPLATE_ENV } from './testDatabase'

export default async function globalSetup() {
  // Uploads made by tests go to a throwaway folder, not the project's media/.
  const mediaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-test-media-'))
  process.env.MEDIA_DIR = mediaDir
  process.env.MAIL_DIR = path.join(mediaDir, 'mail') // confirmation emails written by tests
  ;(globalThis as Record<string, unknown>).__shopTestMedia = mediaDir
  let serverUrl = env.databaseUrl
  if (!serverUrl) {
    // A fresh folder under the OS temp dir: the postgres user must be able to enter every parent, which
    // the folder CI clones into may not allow.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-test-pg-'))
    fs.chmodSync(dir, 0o755)
    const server = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'data'),
      port: await freePort(),
      unsafeFast: true,
    })
    ;(globalThis as Record<string, unknown>).__shopTestPg = { server, dir }
    serverUrl = server.url
  }
  const template = await createDatabaseFrom(serverUrl, null, 'shop_template')
  const payload = await getPayload({
    config: buildShopConfig({ databaseUrl: template.url, poolMax: 4 }),
    key: 'test-template',
  })
  await migrateDatabase(payload)
  await payload.destroy()
  await closePool(payload)
  process.env[SERVER_ENV] = serverUrl
  process.env[TEMPLATE_ENV] = template.name
}
