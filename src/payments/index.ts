// Which payment gateway the shop talks to. Only the stub exists; a real provider is wired here.
import type { Payload } from 'payload'
import pg from 'pg'

import type { PaymentGateway } from './gateway'
import { PaymentGatewayStub } from './stub'
import { postgresOf } from '../db/adapter'
import { settingsOf } from '../settings'

export * from './gateway'

const gateways = new WeakMap<Payload, { gateway: PaymentGateway; close: () => Promise<void> }>()

export function paymentGateway(payload: Payload): PaymentGateway {
  let entry = gateways.get(payload)
  if (!entry) {
    // The stub keeps its ledger in the shop's database but on connections of its own, as an outside
    // provider would be: a charge never waits for a connection behind the shop's own queries.
    const { connectionString } = postgresOf(payload).poolOptions
    const pool = new pg.Pool({ connectionString, max: 4, allowExitOnIdle: true })
    pool.on('error', (err) => payload.logger.warn(`Payment stub lost a connection: ${err.message}`))
    entry = { gateway: new PaymentGatewayStub(pool, () => settingsOf(payload).payment.stubLatencyMs), close: () => pool.end() }
    gateways.set(payload, entry)
  }
  return entry.gateway
}

/** Closes the gateway's connections (at shutdown, before the database goes away). */
export async function closePaymentGateway(payload: Payload) {
  const entry = gateways.get(payload)
  gateways.delete(payload)
  await entry?.close().catch(() => {})
}
