// npm run stock:verify: checks the stock ledger over the configured database (see verifyStock in
// src/shop/stock.ts) and exits 1 listing every row that disagrees, 0 when all hold. Like create-admin, it
// joins the running embedded PostgreSQL (or uses DATABASE_URL).
import pg from 'pg'

import { provideDatabase } from '../db/database'
import { verifyStock } from '../shop/stock'

const database = await provideDatabase(() => {})
const client = new pg.Client({ connectionString: database.url })
let exitCode = 0
try {
  await client.connect()
  const rows = await verifyStock((text) => client.query(text))
  const { rows: counted } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM stock')
  if (rows.length === 0) {
    console.log(`stock:verify: all ${counted[0]!.n} stock rows agree with their movements and with the open orders`)
  } else {
    exitCode = 1
    console.error(`stock:verify: ${rows.length} of ${counted[0]!.n} stock rows disagree:`)
    for (const r of rows) {
      console.error(
        `  stock ${r.id} (${r.product} at pickup point ${r.store}): onHand ${r.onHand} vs movements ${r.movementsOnHand}; ` +
          `reserved ${r.reserved} vs movements ${r.movementsReserved} vs open orders ${r.openOrders}`,
      )
    }
  }
} catch (err) {
  console.error(`stock:verify failed: ${(err as Error).message}`)
  exitCode = 2
} finally {
  await client.end().catch(() => {})
  await database.stop()
}
process.exit(exitCode)
