// The payment gateway stub: a specified part of the product until a real provider is plugged in.
// It follows the test-token convention of well-known gateways, at authorization:
//   tok_visa → approved; tok_chargeDeclined, tok_insufficientFunds → declined;
//   tok_timeout → never answers, and nothing was held;
//   tok_timeoutAfterCharge → held, but the answer never arrives (the lost-response case);
//   tok_captureDeclined → held, but its capture is declined;
//   tok_captureLost → held; its capture is made, but that answer never arrives;
//   any other token → declined as invalid.
// Its ledger (authorizations and the captures, voids and refunds on them) is a pair of tables of its own,
// not the shop's orders, so what it holds and charges survives restarts and is shared by every process,
// as a real provider's would be.
import crypto from 'node:crypto'

import type { Pool, PoolClient } from 'pg'

import type {
  AuthorizeOutcome,
  AuthorizeRequest,
  CaptureOutcome,
  CaptureRequest,
  PaymentGateway,
  PaymentRecord,
  RefundRequest,
  VoidRequest,
} from './gateway'

export const STUB_TOKENS = {
  approved: 'tok_visa',
  declined: 'tok_chargeDeclined',
  insufficientFunds: 'tok_insufficientFunds',
  timeout: 'tok_timeout',
  timeoutAfterCharge: 'tok_timeoutAfterCharge',
  captureDeclined: 'tok_captureDeclined',
  captureLost: 'tok_captureLost',
} as const

const DECLINES: Record<string, string> = {
  tok_chargeDeclined: 'card_declined',
  tok_insufficientFunds: 'insufficient_funds',
}
const APPROVED = new Set<string>([STUB_TOKENS.approved, STUB_TOKENS.timeoutAfterCharge, STUB_TOKENS.captureDeclined, STUB_TOKENS.captureLost])

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (ms <= 0) return resolve()
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason ?? new Error('aborted'))
      },
      { once: true },
    )
  })

/** Resolves only when the caller gives up: a gateway that never answers. */
const never = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), { once: true })
  })

const newId = (prefix: string) => `${prefix}_${crypto.randomBytes(12).toString('hex')}`

type AuthorizationRow = {
  status: 'approved' | 'declined'
  token: string
  authorization_id: string | null
  reason: string | null
  amount: string
  captured: string
  voided: string
  refunded: string
}

const recordOf = (row: AuthorizationRow): PaymentRecord =>
  row.status === 'declined'
    ? { status: 'declined', reason: row.reason ?? 'declined' }
    : {
        status: 'approved',
        authorizationId: row.authorization_id!,
        authorized: Number(row.amount),
        captured: Number(row.captured),
        voided: Number(row.voided),
        refunded: Number(row.refunded),
      }

export class PaymentGatewayStub implements PaymentGateway {
  constructor(
    private readonly pool: Pool,
    /** Read at every call, so a test can make the gateway slow for a while. */
    private readonly latency: () => number = () => 0,
  ) {}

  async authorize(request: AuthorizeRequest, signal: AbortSignal): Promise<AuthorizeOutcome> {
    await sleep(this.latency(), signal)
    if (request.token === STUB_TOKENS.timeout) return never(signal)
    const decline = DECLINES[request.token] ?? (APPROVED.has(request.token) ? null : 'invalid_token')
    // First writer wins: a retried authorization with the same key gets the first outcome.
    const { rows } = await this.pool.query<AuthorizationRow>(
      `INSERT INTO payment_stub_authorizations (idempotency_key, token, amount, currency, status, authorization_id, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING status, token, authorization_id, reason, amount::text, captured::text, voided::text, refunded::text`,
      [request.idempotencyKey, request.token, request.amount, request.currency, decline ? 'declined' : 'approved', decline ? null : newId('auth'), decline],
    )
    if (request.token === STUB_TOKENS.timeoutAfterCharge) return never(signal)
    const record = rows[0] ? recordOf(rows[0]) : await this.retrieve(request.idempotencyKey)
    if (record.status === 'approved') return { status: 'approved', authorizationId: record.authorizationId, amount: record.authorized }
    if (record.status === 'declined') return { status: 'declined', reason: record.reason }
    throw new Error('The stub lost an authorization it just recorded')
  }

  async capture(request: CaptureRequest, signal: AbortSignal): Promise<CaptureOutcome> {
    await sleep(this.latency(), signal)
    const result = await this.operation('capture', request.authorizationId, request.idempotencyKey, async (client, auth) => {
      if (auth.token === STUB_TOKENS.captureDeclined) return { declined: 'capture_declined' }
      const left = Number(auth.amount) - Number(auth.captured) - Number(auth.voided)
      if (!Number.isSafeInteger(request.amount) || request.amount <= 0 || request.amount > left) {
        throw new Error(`The gateway cannot capture ${request.amount} of authorization ${request.authorizationId}: ${left} left`)
      }
      await client.query('UPDATE payment_stub_authorizations SET captured = captured + $2 WHERE authorization_id = $1', [request.authorizationId, request.amount])
      return { amount: request.amount, id: newId('cap') }
    })
    const auth = await this.authorizationOf(request.authorizationId)
    if (auth?.token === STUB_TOKENS.captureLost) return never(signal)
    return 'declined' in result ? { status: 'declined', reason: result.declined } : { status: 'captured', captureId: result.id }
  }

  async void(request: VoidRequest): Promise<{ voided: number }> {
    await sleep(this.latency())
    const result = await this.operation('void', request.authorizationId, request.idempotencyKey, async (client, auth) => {
      const left = Number(auth.amount) - Number(auth.captured) - Number(auth.voided)
      await client.query('UPDATE payment_stub_authorizations SET voided = voided + $2 WHERE authorization_id = $1', [request.authorizationId, left])
      return { amount: left, id: newId('void') }
    })
    if ('declined' in result) throw new Error('A void is never declined')
    return { voided: result.amount }
  }

  async refund(request: RefundRequest): Promise<{ refundId: string }> {
    await sleep(this.latency())
    const result = await this.operation('refund', request.authorizationId, request.idempotencyKey, async (client, auth) => {
      const left = Number(auth.captured) - Number(auth.refunded)
      if (!Number.isSafeInteger(request.amount) || request.amount <= 0 || request.amount > left) {
        throw new Error(`The gateway cannot refund ${request.amount} of authorization ${request.authorizationId}: ${left} captured and not refunded`)
      }
      await client.query('UPDATE payment_stub_authorizations SET refunded = refunded + $2 WHERE authorization_id = $1', [request.authorizationId, request.amount])
      return { amount: request.amount, id: newId('re') }
    })
    if ('declined' in result) throw new Error('A refund is never declined')
    return { refundId: result.id }
  }

  async retrieve(idempotencyKey: string): Promise<PaymentRecord> {
    const { rows } = await this.pool.query<AuthorizationRow>(
      `SELECT status, token, authorization_id, reason, amount::text, captured::text, voided::text, refunded::text
       FROM payment_stub_authorizations WHERE idempotency_key = $1`,
      [idempotencyKey],
    )
    return rows[0] ? recordOf(rows[0]) : { status: 'not_found' }
  }

  private async authorizationOf(authorizationId: string) {
    const { rows } = await this.pool.query<AuthorizationRow>(
      `SELECT status, token, authorization_id, reason, amount::text, captured::text, voided::text, refunded::text
       FROM payment_stub_authorizations WHERE authorization_id = $1`,
      [authorizationId],
    )
    return rows[0]
  }

  /**
   * One capture, void or refund, once per idempotency key: in a transaction that locks the authorization,
   * a key seen before answers what it answered then; a declined operation is recorded as declined.
   */
  private async operation(
    kind: 'capture' | 'void' | 'refund',
    authorizationId: string,
    key: string,
    apply: (client: PoolClient, auth: AuthorizationRow) => Promise<{ amount: number; id: string } | { declined: string }>,
  ): Promise<{ amount: number; id: string } | { declined: string }> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const { rows: auths } = await client.query<AuthorizationRow>(
        `SELECT status, token, authorization_id, reason, amount::text, captured::text, voided::text, refunded::text
         FROM payment_stub_authorizations WHERE authorization_id = $1 FOR UPDATE`,
        [authorizationId],
      )
      const auth = auths[0]
      if (!auth || auth.status !== 'approved') throw new Error(`The gateway has no approved authorization ${authorizationId}`)
      const { rows: earlier } = await client.query<{ kind: string; authorization_id: string; amount: string; result_id: string | null; declined: string | null }>(
        'SELECT kind, authorization_id, amount::text, result_id, declined FROM payment_stub_operations WHERE idempotency_key = $1',
        [key],
      )
      if (earlier[0]) {
        await client.query('ROLLBACK')
        if (earlier[0].kind !== kind || earlier[0].authorization_id !== authorizationId) throw new Error(`Idempotency key ${key} was used for another operation`)
        return earlier[0].declined ? { declined: earlier[0].declined } : { amount: Number(earlier[0].amount), id: earlier[0].result_id! }
      }
      const result = await apply(client, auth)
      await client.query(
        `INSERT INTO payment_stub_operations (idempotency_key, authorization_id, kind, amount, result_id, declined)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [key, authorizationId, kind, 'declined' in result ? 0 : result.amount, 'declined' in result ? null : result.id, 'declined' in result ? result.declined : null],
      )
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw err
    } finally {
      client.release()
    }
  }
}
