// What the shop needs from a payment provider. The stub (./stub.ts) implements it; a real provider would
// implement the same three calls. Every call carries an idempotency key, so a retried call never charges
// or refunds twice.

export type ChargeRequest = {
  /** Minor units (kopecks, cents). */
  amount: number
  currency: string
  /** The buyer's payment token from the storefront's payment form. */
  token: string
  /** Same key → same charge, whatever happens in between. */
  idempotencyKey: string
  description?: string
}

export type ChargeOutcome =
  | { status: 'approved'; chargeId: string }
  | { status: 'declined'; reason: string }

/** What the gateway knows of a charge, asked by its idempotency key. */
export type ChargeRecord =
  | { status: 'approved'; chargeId: string; amount: number; refunded: boolean }
  | { status: 'declined'; reason: string }
  | { status: 'not_found' }

export type RefundRequest = { chargeId: string; amount: number; idempotencyKey: string }
export type RefundOutcome = { refundId: string }

export interface PaymentGateway {
  charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeOutcome>
  retrieve(idempotencyKey: string): Promise<ChargeRecord>
  refund(request: RefundRequest): Promise<RefundOutcome>
}

/** The gateway did not answer in time: the charge may or may not have happened. */
export class PaymentTimeout extends Error {
  override name = 'PaymentTimeout'
}

/** Calls `charge` but gives up after `timeoutMs`: the caller then treats the outcome as unknown. */
export async function chargeWithTimeout(
  gateway: PaymentGateway,
  request: ChargeRequest,
  timeoutMs: number,
): Promise<ChargeOutcome> {
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
    return await Promise.race([gateway.charge(request, controller.signal), timeout])
  } finally {
    clearTimeout(timer)
  }
}
