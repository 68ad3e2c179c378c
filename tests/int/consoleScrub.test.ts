// The server's own console output (Next's and Payload's console.error calls, anything a library prints)
// goes through the logger's scrub: an email, a phone or a token written to the console of the real entry
// point never reaches its stdout or stderr (#17).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, expect, it } from '@jest/globals'

import { freePort } from '../../src/db/embedded'
import { startTestShop, type TestShop } from '../helpers/shop'
import { type ShopProcess, spawnShopProcess, stopShopProcess, untilHealthy } from '../helpers/shopProcess'

let shop: TestShop
let server: ShopProcess | undefined

beforeAll(async () => {
  shop = await startTestShop()
})
afterAll(async () => {
  if (server) await stopShopProcess(server)
  await shop?.stop()
})

it("src/server.ts scrubs what anything in the process writes to the console: texts, objects, errors", async () => {
  const port = await freePort()
  // Loaded before the entry point: writes personal data to the console every 100 ms, as a library might.
  const leaky = [
    "setInterval(() => {",
    "  console.error('mail to anna.k@example.com failed, phone +7 916 123-45-67');",
    "  console.log({ to: 'boris@example.org', note: 'call 8 (916) 765-43-21' });",
    "  console.warn(new Error('no mailbox vera@example.net'));",
    "}, 100).unref()",
  ].join('\n')
  const preload = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shop-console-')), 'leaky.mjs')
  fs.writeFileSync(preload, leaky)
  server = spawnShopProcess('src/server.ts', shop.databaseUrl, { PORT: String(port), SHOP_ADMIN: 'off', SHOP_JOBS: 'off' }, ['--import', preload])
  await untilHealthy(server, `http://127.0.0.1:${port}/healthz`)
  await new Promise((r) => setTimeout(r, 500))
  const output = server.output()
  expect(output).toContain('[email]')
  expect(output).toContain('[phone]')
  for (const secret of ['anna.k@example.com', 'boris@example.org', 'vera@example.net', '916 123-45-67', '765-43-21']) expect(output).not.toContain(secret)
}, 90_000)
