// `npm run create-admin` makes (or promotes) an admin on the configured database and exits by itself.
import { spawnSync } from 'node:child_process'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { registerBuyer, sqlRows, startTestShop, type TestShop } from '../helpers/shop'

let shop: TestShop
beforeAll(async () => {
  shop = await startTestShop()
})
afterAll(async () => {
  await shop?.stop()
})

const runCreateAdmin = (args: string[]) =>
  // The same command as `npm run create-admin`.
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/createAdmin.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: shop.databaseUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 60_000,
  })

describe('create-admin', () => {
  it('creates an admin and exits with 0, while the shop keeps running on the same database', () => {
    const run = runCreateAdmin(['--email', 'Boss@Example.com', '--password', 'corner office 1977'])
    expect(run.stderr).not.toMatch(/Error/)
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/Created admin/)
    return expect(sqlRows(shop, "SELECT role FROM users WHERE email = 'boss@example.com'")).resolves.toEqual([{ role: 'admin' }])
  }, 60_000)

  it('promotes an existing buyer', async () => {
    const buyer = await registerBuyer(shop)
    const run = runCreateAdmin(['--email', buyer.email, '--password', 'promoted password'])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/Promoted admin/)
    expect(await sqlRows(shop, 'SELECT role FROM users WHERE id = $1', [buyer.id])).toEqual([{ role: 'admin' }])
  }, 60_000)

  it('exits with a usage message and changes nothing without both flags', async () => {
    const before = await sqlRows(shop, 'SELECT id, role FROM users ORDER BY id')
    const run = runCreateAdmin(['--email', 'x@example.com'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/usage/)
    const short = runCreateAdmin(['--email', 'x@example.com', '--password', 'short'])
    expect(short.status).toBe(1)
    expect(await sqlRows(shop, 'SELECT id, role FROM users ORDER BY id')).toEqual(before)
  }, 60_000)
})
