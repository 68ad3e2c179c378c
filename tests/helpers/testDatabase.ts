// One PostgreSQL server for the whole test run: the embedded one in a throwaway folder under the OS temp
// directory, or the server in DATABASE_URL. A template database is migrated once; every test file gets
// its own copy (CREATE DATABASE … TEMPLATE), which takes tens of milliseconds.
import crypto from 'node:crypto'

import pg from 'pg'

export const TEMPLATE_ENV = 'SHOP_TEST_TEMPLATE_DB'
export const SERVER_ENV = 'SHOP_TEST_SERVER_URL'

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

export async function createDatabaseFrom(serverUrl: string, template: string | null, prefix = 'shop_test') {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`
  await withClient(serverUrl, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${quote(name)}${template ? ` TEMPLATE ${quote(template)}` : ''}`)
        return
      } catch (err) {
        // 55006: the template is busy (another file copying it at this instant).
        if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100))
      }
    }
  })
  return { name, url: databaseUrl(serverUrl, name) }
}

export async function dropDatabase(serverUrl: string, name: string) {
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`))
}
