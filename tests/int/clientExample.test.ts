// The README's client example, exactly as written there, against a running server: it type-checks against
// the generated schema (strict), and run, it logs in, searches, fills the cart and pays for an order.
import { execFile, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, expect, it } from '@jest/globals'

import { seedCatalogue, type Catalogue } from '../helpers/fixtures'
import { serve } from '../helpers/http'
import { createAdmin, registerBuyer, sqlRows, startTestShop, type TestShop } from '../helpers/shop'

const root = path.join(import.meta.dirname, '..', '..')
let shop: TestShop
let http: Awaited<ReturnType<typeof serve>>
let catalogue: Catalogue
let dir: string

beforeAll(async () => {
  shop = await startTestShop()
  catalogue = await seedCatalogue(shop, await createAdmin(shop))
  http = await serve(shop.payload)
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-client-example-'))
})
afterAll(async () => {
  await http?.close()
  await shop?.stop()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** The code block under `<!-- client-example -->` in README.md, with what it takes as given declared. */
function exampleModule(): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
  const block = /<!-- client-example -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  if (!block) throw new Error('README.md has no client example')
  return [
    `import { createShopClient } from '${path.join(root, 'src', 'client', 'index.ts')}'`,
    'const SHOP_URL = process.env.SHOP_URL!',
    'const email = process.env.SHOP_EMAIL!',
    'const password = process.env.SHOP_PASSWORD!',
    'const store = Number(process.env.SHOP_STORE)',
    block,
    'export {}',
  ].join('\n')
}

it("the README's client example type-checks and places an order", async () => {
  const file = path.join(dir, 'example.mts')
  fs.writeFileSync(file, exampleModule())
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const flags = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--allowImportingTsExtensions', '--skipLibCheck', '--types', 'node']
  execFileSync(process.execPath, [tsc, ...flags, file], { cwd: root, encoding: 'utf8' })

  const buyer = await registerBuyer(shop)
  const env = { ...process.env, SHOP_URL: http.base, SHOP_EMAIL: buyer.email, SHOP_PASSWORD: buyer.password, SHOP_STORE: String(catalogue.stores.main) }
  // Not execFileSync: the server answering it runs in this process.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: root, env, encoding: 'utf8', timeout: 60_000 })
  const output = stdout.trim()
  expect(output).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  const orders = await sqlRows<{ status: string; buyer_id: number }>(shop, 'SELECT status::text AS status, buyer_id FROM orders WHERE number = $1', [output])
  expect(orders).toEqual([{ status: 'paid', buyer_id: buyer.id }])
}, 120_000)
