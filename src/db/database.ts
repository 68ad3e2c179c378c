// Which PostgreSQL the shop uses: DATABASE_URL when set, otherwise an embedded one we start.
import { env, setDatabaseUrl } from '../env'
import { ensureDatabase, startEmbeddedPostgres } from './embedded'

export type ShopDatabase = { url: string; embedded: boolean; stop: () => Promise<void> }

export const EMBEDDED_DATABASE_NAME = 'shop'

export async function provideDatabase(log: (line: string) => void = console.log): Promise<ShopDatabase> {
  if (env.databaseUrl) return { url: env.databaseUrl, embedded: false, stop: async () => {} }
  const server = await startEmbeddedPostgres({ dataDir: env.embeddedPg.dataDir, port: env.embeddedPg.port, log })
  await ensureDatabase(server.url, EMBEDDED_DATABASE_NAME)
  const url = server.databaseUrl(EMBEDDED_DATABASE_NAME)
  setDatabaseUrl(url)
  return { url, embedded: true, stop: server.stop }
}
