import fs from 'node:fs'

import type { RunningDatabase } from '../../src/db/embedded'
import { dropDatabase, SERVER_ENV, TEMPLATE_ENV } from './testDatabase'

export default async function globalTeardown() {
  const mediaDir = (globalThis as Record<string, unknown>).__shopTestMedia
  if (typeof mediaDir === 'string') fs.rmSync(mediaDir, { recursive: true, force: true })
  const serverUrl = process.env[SERVER_ENV]
  const template = process.env[TEMPLATE_ENV]
  const embedded = (globalThis as Record<string, unknown>).__shopTestPg as
    | { server: RunningDatabase; dir: string }
    | undefined
  if (embedded) {
    await embedded.server.stop()
    fs.rmSync(embedded.dir, { recursive: true, force: true })
  } else if (serverUrl && template) {
    await dropDatabase(serverUrl, template)
  }
}
