// The payment gateway stub: a specified part of the product until a real provider is plugged in.
// It follows the test-token convention of well-known gateways:
//   tok_visa → approved; tok_chargeDeclined, tok_insufficientFunds → declined;
//   tok_timeout → never answers, and nothing was charged;
//   tok_timeoutAfterCharge → charged, but the answer never arrives (the lost-response case);
//   any other token → declined as invalid.
// Its ledger is a table of its own (not the shop's orders), so what it "charged" survives restarts and is
// shared by every server process, as a real provider's would be.
import crypto from 'node:crypto'

import type { Pool } from 'pg'

import type { ChargeOutcome, ChargeRecord, ChargeRequest, PaymentGateway, RefundOutcome, RefundRequest } from './gateway'

export const STUB_TOKENS = {
  approved: 'tok_visa',
  declined: 'tok_chargeDeclined',
  insufficientFunds: 'tok_insufficientFunds',
  timeout: 'tok_timeout',
  timeoutAfterCharge: 'tok_timeoutAfterCharge',
} as const

const DECLINES: Record<string, string> = {
  tok_chargeDeclined: 'card_declined',
  tok_insufficientFunds: 'insufficient_funds',
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (ms <= 0) return resolve()
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(signal.reason ?? new Error('aborted'))
    }, { once: true })
  })

/** Resolves only when the caller gives up: a gateway that never answers. */
const never = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), { once: true })
  })

type LedgerRow = { status: 'approved' | 'declined'; charge_id: string | null; reason: string | null; amount: string; refunded: boolean }

const recordOf = (row: LedgerRow): ChargeRecord =>
  row.status === 'declined'
    ? { status: 'declined', reason: row.reason ?? 'declined' }
    : { status: 'approved', chargeId: row.charge_id!, amount: Number(row.amount), refunded: row.refunded }

export class PaymentGatewayStub implements PaymentGateway {
  constructor(
    private readonly pool: Pool,
    /** Read at every call, so a test can make the gateway slow for a while. */
    private readonly latency: () => number = () => 0,
  ) {}

  private get latencyMs() {
    return this.latency()
  }

  async charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeOutcome> {
    await sleep(this.latencyMs, signal)
    if (request.token === STUB_TOKENS.timeout) return never(signal)
    const decline = DECLINES[request.token] ?? (request.token === STUB_TOKENS.approved || request.token === STUB_TOKENS.timeoutAfterCharge ? null : 'invalid_token')
    // First writer wins: a retried charge with the same key gets the first outcome (read back only then).
    const { rows } = await this.pool.query<LedgerRow>(
      `INSERT INTO payment_stub_charges (idempotency_key, token, amount, currency, status, charge_id, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING status, charge_id, reason, amount::text AS amount, false AS refunded`,
      [
        request.idempotencyKey,
        request.token,
        request.amount,
        request.currency,
        decline ? 'declined' : 'approved',
        decline ? null : `ch_${crypto.randomBytes(12).toString('hex')}`,
        decline,
      ],
    )
    if (request.token === STUB_TOKENS.timeoutAfterCharge) return never(signal)
    const record = rows[0] ? recordOf(rows[0]) : await this.retrieve(request.idempotencyKey)
    if (record.status === 'approved') return { status: 'approved', chargeId: record.chargeId }
    if (record.status === 'declined') return { status: 'declined', reason: record.reason }
    throw new Error('The stub lost a charge it just recorded')
  }

  async retrieve(idempotencyKey: string): Promise<ChargeRecord> {
    const { rows } = await this.pool.query<LedgerRow>(
      `SELECT status, charge_id, reason, amount::text AS amount, refunded_at IS NOT NULL AS refunded
       FROM payment_stub_charges WHERE idempotency_key = $1`,
      [idempotencyKey],
    )
    return rows[0] ? recordOf(rows[0]) : { status: 'not_found' }
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    await sleep(this.latencyMs)
    // Full refunds only, once per charge: a second refund of the same charge returns the first.
    const { rows } = await this.pool.query<{ refund_id: string }>(
      `UPDATE payment_stub_charges
       SET refunded_at = COALESCE(refunded_at, now()),
           refund_id = COALESCE(refund_id, $2),
           refund_key = COALESCE(refund_key, $3)
       WHERE charge_id = $1 AND status = 'approved' AND amount = $4
       RETURNING refund_id`,
      [request.chargeId, `re_${crypto.randomBytes(12).toString('hex')}`, request.idempotencyKey, request.amount],
    )
    if (!rows[0]) throw new Error(`The gateway has no approved charge ${request.chargeId} of ${request.amount}`)
    return { refundId: rows[0].refund_id }
  }
}
