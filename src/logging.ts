// The shop's logger (Payload's pino, configured here). Two promises:
// - No buyer's name, phone or email, no password, token or pickup code reaches a log line at any level:
//   errors are serialized from a short list of fields (never a query's parameters, a constraint's detail
//   or a mail server's recipient list), and every text is scrubbed of what looks like an address, a phone,
//   a token or a pickup code.
// - A client's mistake is not a server error: an error that ends in a 4xx is logged at warn, without a stack.
// Every line logged while a request is answered carries its id (`requestId`, see src/http/app.ts).
import { AsyncLocalStorage } from 'node:async_hooks'
import { inspect } from 'node:util'

import pino, { type DestinationStream, type Logger } from 'pino'

import { responseForError } from './shop/errorResponses'

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

/** Payload's messages for an upload it refuses (uploads/checkFileRestrictions), before its 400. */
const UPLOAD_REFUSAL = /^(Invalid MIME type|File type .* not allowed|File type '.*' not allowed|SVG file contains|Invalid (or corrupted )?PDF)/

/** Keys whose values never reach the log, wherever pino finds them (top level or one level down). */
const SECRET_KEYS = ['password', 'token', 'email', 'phone', 'firstName', 'lastName', 'contact', 'pickupCode', 'params', 'authorization', 'cookie']
const REDACT_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((key) => `*.${key}`), 'req.headers.authorization', 'req.headers.cookie']

/** 4xx by our own error mapping (src/shop/errorResponses.ts): the client's mistake, not ours. */
const isClientError = (err: unknown): boolean => {
  const status = responseForError(err, 'GET')?.status ?? (err as { status?: number }).status
  return typeof status === 'number' && status >= 400 && status < 500
}

/**
 * A token that could not be checked while PostgreSQL was unreachable (src/shop/auth/databaseAwareAuth.ts):
 * one short line per request; the outage itself is logged by the pool and the health check, and a full
 * stack with the query for every request of an outage would bury it.
 */
const isDatabaseWait = (err: unknown) => (err as { name?: string; constructor?: { name?: string } }).constructor?.name === 'DatabaseUnavailable'

const WARN = 40

function scrubArgs(args: unknown[]): unknown[] {
  return args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg))
}

/** The request being answered, for the log lines written on its behalf (set by the Express front). */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>()

export function createShopLogger({ level, destination }: { level: string; destination?: DestinationStream }): Logger {
  const options: pino.LoggerOptions = {
      name: 'payload',
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      mixin: () => {
        const request = requestContext.getStore()
        return request ? { requestId: request.requestId } : {}
      },
      hooks: {
        logMethod(args, method, levelValue) {
          const [first, ...rest] = args as unknown[]
          const err = first instanceof Error ? first : (first as { err?: unknown } | null | undefined)?.err
          if (!err || typeof first !== 'object') {
            // Payload logs an upload it refuses (answered 400: the client's file) at error level before throwing.
            if (levelValue > WARN && typeof first === 'string' && UPLOAD_REFUSAL.test(first)) return this.warn(scrubText(first))
            return method.apply(this, scrubArgs(args as unknown[]) as Parameters<typeof method>)
          }
          const fields = first instanceof Error ? {} : { ...(first as object) }
          // pino would take the message from the raw error; give it the scrubbed one.
          const message = typeof rest[0] === 'string' ? scrubText(rest[0]) : serializeError(err).message
          if (levelValue > WARN && (isClientError(err) || isDatabaseWait(err))) {
            const { type, message: text, status, code } = serializeError(err)
            return this.warn({ ...fields, err: { type, message: text, status, code } }, message, ...scrubArgs(rest.slice(1)))
          }
          return method.apply(this, [{ ...fields, err }, message, ...scrubArgs(rest.slice(1))] as Parameters<typeof method>)
        },
      },
  }
  return destination ? pino(options, destination) : pino(options)
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
