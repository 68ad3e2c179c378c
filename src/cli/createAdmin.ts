// npm run create-admin -- --email E --password P
// Creates an admin (or promotes an existing account and sets its password) on the configured database.
// Works while the server runs: it joins the running embedded PostgreSQL instead of starting another.
import { parseArgs } from 'node:util'

import { bootShop } from '../boot'
import { createOrPromoteAdmin } from '../shop/admins'

const { values } = parseArgs({
  options: { email: { type: 'string' }, password: { type: 'string' } },
  strict: true,
})
if (!values.email || !values.password) {
  console.error('usage: npm run create-admin -- --email admin@example.com --password <12+ characters, not a common one>')
  process.exit(2)
}

let exitCode = 0
const shop = await bootShop({ seedDemo: false })
try {
  const result = await createOrPromoteAdmin(shop.payload, { email: values.email, password: values.password })
  console.log(`${result.created ? 'Created' : 'Promoted'} admin ${values.email} (user id ${result.id})`)
} catch (err) {
  console.error(`create-admin failed: ${(err as Error).message}`)
  exitCode = 1
} finally {
  await shop.stop()
}
process.exit(exitCode)
