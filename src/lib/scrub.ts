// What no log line and no console output may carry: a buyer's email or phone, a token, a pickup code, a
// query's parameters. Pure and light (nothing but node:util), so an entry point can route the console
// through it before it loads anything else: a library's console output at start-up is scrubbed too.
import { inspect } from 'node:util'

const EMAIL = /[^\s@<>()[\]"'`,;:]+@[^\s@<>()[\]"'`,;:]+\.[A-Za-z0-9-]{2,}/g
const JWT = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+/g
/** Our pickup codes: the order number and its signature (src/shop/pickupCode.ts). */
const PICKUP_CODE = /\b[0-9A-Z]{4}-[0-9A-Z]{4}\.[\w-]{8,}/g
/** Runs of digits that could be a phone number: 10 to 15 digits, with the usual separators. */
const PHONE_LIKE = /\+?\d[\d ()-]{8,22}\d/g
/** drizzle's "Failed query: … \nparams: a,b,c": the values a query was sent with. */
const QUERY_PARAMS = /\nparams: [\s\S]*?(?=\n\s+at |$)/g

/** Removes personal data and secrets from a text meant for the log. */
export function scrubText(text: string): string {
  return text
    .replace(QUERY_PARAMS, '\nparams: [redacted]')
    .replace(JWT, '[token]')
    .replace(PICKUP_CODE, '[pickup code]')
    .replace(EMAIL, '[email]')
    .replace(PHONE_LIKE, (match) => {
      const digits = match.replace(/\D/g, '').length
      return digits >= 10 && digits <= 15 ? '[phone]' : match
    })
}

/** Error fields that say what went wrong without carrying the data it went wrong with. */
const SAFE_FIELDS = ['code', 'status', 'constraint', 'table', 'column', 'routine', 'responseCode', 'command', 'errno', 'syscall'] as const

export type LoggedError = { type: string; message: string; stack?: string; cause?: LoggedError } & Record<string, unknown>

/** An error as it may be logged: its name, a scrubbed message, safe fields, stack frames, its cause. */
export function serializeError(err: unknown, depth = 0): LoggedError {
  if (!err || typeof err !== 'object') return { type: typeof err, message: scrubText(String(err)) }
  const e = err as Record<string, unknown> & { name?: string; message?: unknown; stack?: unknown; cause?: unknown }
  const type = typeof e.type === 'string' ? e.type : ((e.constructor as { name?: string } | undefined)?.name ?? e.name ?? 'Error')
  // drizzle puts the statement and its parameters in the message; the statement alone is enough.
  const message = typeof e.query === 'string' ? `Failed query: ${e.query}` : String(e.message ?? '')
  const out: LoggedError = { type, message: scrubText(message) }
  for (const field of SAFE_FIELDS) {
    const value = e[field]
    if (typeof value === 'string' || typeof value === 'number') out[field] = typeof value === 'string' ? scrubText(value) : value
  }
  if (typeof e.stack === 'string') {
    // Only the frames: the stack's first lines repeat the message, parameters included.
    const frames = e.stack.split('\n').filter((line) => /^\s+at /.test(line))
    out.stack = [`${type}: ${out.message}`, ...frames.map(scrubText)].join('\n')
  }
  if (e.cause && depth < 4) out.cause = serializeError(e.cause, depth + 1)
  return out
}

/**
 * Routes console output (Next's and Payload's own console.error calls) through the same scrubbing, for
 * the server process: nothing reaches stdout or stderr unscrubbed.
 */
export function scrubConsole() {
  for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[name].bind(console)
    console[name] = (...args: unknown[]) => original(...args.map(scrubbedForConsole))
  }
}

/** A console argument as it may be printed: texts scrubbed, errors serialized, anything else inspected and scrubbed. */
function scrubbedForConsole(arg: unknown): unknown {
  if (typeof arg === 'string') return scrubText(arg)
  if (arg instanceof Error) return serializeError(arg).stack ?? serializeError(arg).message
  if (arg !== null && typeof arg === 'object') return scrubText(inspect(arg, { depth: 4, breakLength: Infinity }))
  return arg
}
