// The settings of one shop instance, carried by its config (`config.custom.shop`): what may differ between
// instances in one process (the tests run several, each with its own). They start from the environment
// (src/env.ts); code reads them through `settingsOf`, never from env, and a test gives its shop its own.
import type { Payload } from 'payload'

import { env } from './env'

export type ShopSettings = {
  /** Auth attempts a minute per client address (AUTH_RATE_LIMIT); 0: no limit. */
  authRateLimit: number
  /** How long the gateway may take (PAYMENT_TIMEOUT_MS), and the stub's simulated latency. */
  payment: { timeoutMs: number; stubLatencyMs: number }
  /** How long a checkout may take from its claim to the charge, and the margin (see checkoutBounds in env.ts). */
  checkout: { reserveMs: number; marginMs: number }
  /** How long a reservation waits for its authorization (RESERVATION_TTL). */
  reservationTtlMs: number
  /** How far a weighed line may be picked over what was ordered, in basis points (WEIGHT_TOLERANCE). */
  weightToleranceBp: number
}

export type SettingsOverrides = Partial<Omit<ShopSettings, 'payment' | 'checkout'>> & {
  payment?: Partial<ShopSettings['payment']>
  checkout?: Partial<ShopSettings['checkout']>
}

/** The settings the environment gives, with `overrides` on top (field by field in `payment` and `checkout`). */
export const shopSettings = ({ payment, checkout, ...rest }: SettingsOverrides = {}): { shop: ShopSettings } => ({
  shop: {
    authRateLimit: env.authRateLimit,
    reservationTtlMs: env.reservationTtlMs,
    weightToleranceBp: env.weightToleranceBp,
    ...rest,
    payment: { timeoutMs: env.payment.timeoutMs, stubLatencyMs: env.payment.stubLatencyMs, ...payment },
    checkout: { ...env.checkout, ...checkout },
  },
})

/** The instance's settings (those of buildShopConfig). */
export const settingsOf = (payload: Payload): ShopSettings => (payload.config.custom as ReturnType<typeof shopSettings>).shop
