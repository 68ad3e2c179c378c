// Which payment gateway the shop talks to. Only the stub exists; a real provider is wired here.
import type { PostgresAdapter } from '@payloadcms/db-postgres'
import type { Payload } from 'payload'

import { env } from '../env'
import type { PaymentGateway } from './gateway'
import { PaymentGatewayStub } from './stub'

export * from './gateway'

const gateways = new WeakMap<Payload, PaymentGateway>()

export function paymentGateway(payload: Payload): PaymentGateway {
  let gateway = gateways.get(payload)
  if (!gateway) {
    gateway = new PaymentGatewayStub((payload.db as unknown as PostgresAdapter).pool, env.payment.stubLatencyMs)
    gateways.set(payload, gateway)
  }
  return gateway
}
