// Small lists of the shop's language that the API, the collections and the panel's client components share.
// Client-safe: constants only, no server imports.
import { MEDIA_MAX_MB } from '../i18n/messages'

/** Why goods are written off (a `write_off` movement carries one). */
export const WRITE_OFF_REASONS = ['damaged', 'expired', 'lost', 'other'] as const
export type WriteOffReason = (typeof WRITE_OFF_REASONS)[number]

/** Why an order cannot be handed over now; the pickup desk tells the clerk in their language. */
export const HAND_OVER_REFUSALS = ['other_store', 'not_assembled', 'collected', 'cancelled', 'awaiting_payment'] as const
export type HandOverRefusal = (typeof HAND_OVER_REFUSALS)[number]

export { isWeighed } from '../lib/units'

export { SKU_PATTERN } from '../lib/sku'
export const MAX_PRICE = 100_000_000_00 // 100 million in major units: a typo guard, not a business rule

/** The largest product photo accepted. */
export const MEDIA_MAX_BYTES = MEDIA_MAX_MB * 1024 * 1024
