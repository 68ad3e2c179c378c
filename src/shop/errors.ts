// The shop's typed errors. Operations throw them; Payload's error route turns each into
// `{errors:[{name, message, data?}]}` with the status below, so handlers never pick status codes.
import { APIError } from 'payload'

export class BadRequest extends APIError {
  constructor(message: string, data?: Record<string, unknown>) {
    super(message, 400, data ?? null, true)
  }
}

export class Unauthorized extends APIError {
  constructor(message = 'Log in first.') {
    super(message, 401, null, true)
  }
}

export class Forbidden extends APIError {
  constructor(message = 'You are not allowed to do that.') {
    super(message, 403, null, true)
  }
}

export class NotFound extends APIError {
  constructor(message: string, data?: Record<string, unknown>) {
    super(message, 404, data ?? null, true)
  }
}

export class Conflict extends APIError {
  constructor(message: string, data?: Record<string, unknown>) {
    super(message, 409, data ?? null, true)
  }
}

/**
 * A 409 from a conditional step: someone else (another request, the settlement job) changed the order
 * first. Callers that only wanted the change to happen once let it pass.
 */
export const isConflict = (err: unknown) => (err as { status?: number } | null)?.status === 409

/** Too many attempts from one client (the auth rate limit); it may try again after `retryAfter` seconds. */
export class TooManyRequests extends APIError {
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super(message, 429, { retryAfter }, true)
  }
}

/** What a client hears while PostgreSQL is unreachable (503). */
export const DATABASE_UNAVAILABLE = 'The shop database is not reachable right now; try again shortly.'
/** Its Retry-After, in seconds: a restart of PostgreSQL takes a few. */
export const DATABASE_RETRY_AFTER = 5

/**
 * PostgreSQL could not be reached (503, Retry-After), e.g. while checking a valid token: the caller must
 * keep the token and try again, not sign in again (src/shop/auth/databaseAwareAuth.ts).
 */
export class DatabaseUnavailable extends APIError {
  constructor(cause?: unknown) {
    super(DATABASE_UNAVAILABLE, 503, null, true)
    if (cause !== undefined) this.cause = cause
  }
}

/**
 * An error whose answer carries more than `errors`: e.g. OutOfStock adds `lines` beside it. The extra keys
 * are merged into the body by the one error mapper (errorResponses.ts).
 */
export class ShopError extends APIError {
  constructor(
    message: string,
    status: number,
    readonly extra: Record<string, unknown> = {},
    data?: Record<string, unknown>,
  ) {
    super(message, status, data ?? null, true)
  }
}

export type ShortLine = { sku: string; requested: number; available: number }

export class OutOfStock extends ShopError {
  constructor(lines: ShortLine[]) {
    super(`Not enough stock at this pickup point for ${lines.map((l) => l.sku).join(', ')}`, 409, { lines })
  }
}

/** The buyer confirmed another total than the cart's current one (a price changed meanwhile). */
export class TotalChanged extends ShopError {
  constructor(total: number, expectedTotal: number, currency: string) {
    super('The cart total has changed; check the cart and confirm the new total.', 409, { total, currency }, { total, expectedTotal })
  }
}

export class PaymentDeclined extends ShopError {
  constructor(order: Record<string, unknown>, reason?: string) {
    super('The payment was declined; the order is cancelled and its stock released. The cart is kept.', 402, { order }, reason ? { reason } : undefined)
  }
}

/** The gateway did not answer in time: the order waits, and the settlement job will decide. */
export class PaymentPending extends ShopError {
  constructor(order: Record<string, unknown>) {
    super('The payment gateway did not answer in time; the order is awaiting payment and will be settled shortly.', 504, { order })
  }
}

/** The reservation took longer than a checkout may before its charge: cancelled, nothing charged. */
export class CheckoutTooSlow extends ShopError {
  constructor() {
    super('The shop is too busy to finish this checkout right now; nothing was charged and the stock is released. Try again.', 503)
  }
}

export class IdempotencyKeyReused extends ShopError {
  constructor() {
    super('This Idempotency-Key was already used with a different request body.', 422)
  }
}
