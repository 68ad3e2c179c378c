// The shop's Payload config, on the database from DATABASE_URL (or the embedded one the server started).
import { buildShopConfig } from './src/config'
import { env } from './src/env'

export default buildShopConfig({ databaseUrl: env.databaseUrl })
