// Recognises PostgreSQL failures that are not the client's fault (connection lost) or that a check
// should have caught (foreign keys), wherever drizzle or Payload wrapped them.

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
])
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'the database system is shutting down',
  'the database system is starting up',
]

function* causes(err: unknown): Generator<Record<string, unknown>> {
  let current = err
  for (let depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    yield current as Record<string, unknown>
    current = (current as { cause?: unknown }).cause
  }
}

export function isConnectionError(err: unknown): boolean {
  for (const e of causes(err)) {
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true
    if (typeof e.message === 'string' && CONNECTION_MESSAGES.some((m) => (e.message as string).includes(m))) return true
    if (Array.isArray(e.errors) && e.errors.some(isConnectionError)) return true // AggregateError from net
  }
  return false
}

export function postgresCode(err: unknown): string | undefined {
  for (const e of causes(err)) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code
  }
  return undefined
}

/** Deadlock or serialization failure: the transaction can simply be run again. */
export const isRetryable = (err: unknown) => ['40P01', '40001'].includes(postgresCode(err) ?? '')

/** A JSON parse error, also one made in another realm (undici's Request.json() under jest). */
export const isSyntaxError = (err: unknown) =>
  err instanceof SyntaxError || (typeof err === 'object' && err !== null && (err as Error).name === 'SyntaxError')
