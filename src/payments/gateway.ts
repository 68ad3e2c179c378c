// What the shop needs from a payment provider: hold an amount on the buyer's card at checkout (authorize),
// charge the final amount once the order is assembled and weighed (capture, at most what was held), release
// the rest or all of a hold (void), give money back (refund), and say what became of a payment (retrieve).
// The stub (./stub.ts) implements it; a real provider would implement the same five calls. Every call
// carries an idempotency key, so a retried call never holds, charges, releases or refunds twice.

export type AuthorizeRequest = {
  /** Minor units (kopecks, cents). */
  amount: number
  currency: string
  /** The buyer's payment token from the storefront's payment form. */
  token: string
  /** Same key → same authorization, whatever happens in between. */
  idempotencyKey: string
}
/** `amount`: what the gateway holds under this authorization (the shop checks it is what it asked for). */
export type AuthorizeOutcome = { status: 'approved'; authorizationId: string; amount: number } | { status: 'declined'; reason: string }

export type CaptureRequest = { authorizationId: string; amount: number; idempotencyKey: string }
export type CaptureOutcome = { status: 'captured'; captureId: string } | { status: 'declined'; reason: string }

export type VoidRequest = { authorizationId: string; idempotencyKey: string }
export type RefundRequest = { authorizationId: string; amount: number; idempotencyKey: string }

/** What the gateway knows of an authorization, asked by its idempotency key. Amounts in minor units. */
export type PaymentRecord =
  | { status: 'approved'; authorizationId: string; authorized: number; captured: number; voided: number; refunded: number }
  | { status: 'declined'; reason: string }
  | { status: 'not_found' }

export interface PaymentGateway {
  authorize(request: AuthorizeRequest, signal: AbortSignal): Promise<AuthorizeOutcome>
  capture(request: CaptureRequest, signal: AbortSignal): Promise<CaptureOutcome>
  /** Releases what is held and not captured; answers how much that was. */
  void(request: VoidRequest): Promise<{ voided: number }>
  refund(request: RefundRequest): Promise<{ refundId: string }>
  retrieve(idempotencyKey: string): Promise<PaymentRecord>
}

/** The gateway did not answer in time: the call may or may not have taken effect. */
export class PaymentTimeout extends Error {
  override name = 'PaymentTimeout'
}

/**
 * One gateway call as the shop makes it: its answer, or 'unknown' when the gateway did not answer within
 * `timeoutMs` or the connection broke. Unknown means the call may or may not have taken effect: the caller
 * leaves the order in a state the settlement job asks the gateway about later.
 */
export async function callGateway<T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number, onNoAnswer: (err: Error) => void): Promise<T | 'unknown'> {
  try {
    return await withTimeout(call, timeoutMs)
  } catch (err) {
    onNoAnswer(err as Error)
    return 'unknown'
  }
}

/** Runs one gateway call but gives up after `timeoutMs` (a PaymentTimeout). */
export async function withTimeout<T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first, so the race ends with the timeout rather than with the aborted call's own error.
      reject(new PaymentTimeout(`The payment gateway did not answer within ${timeoutMs} ms`))
      controller.abort()
    }, timeoutMs)
  })
  try {
    return await Promise.race([call(controller.signal), timeout])
  } finally {
    clearTimeout(timer)
  }
}
