// The shop's logger (Payload's pino, configured here). Two promises:
// - No buyer's name, phone or email, no password, token or pickup code reaches a log line at any level:
//   errors are serialized from a short list of fields (never a query's parameters, a constraint's detail
//   or a mail server's recipient list), and every text is scrubbed of what looks like an address, a phone,
//   a token or a pickup code.
// - A client's mistake is not a server error: an error that ends in a 4xx is logged at warn, without a stack.
// Every line logged while a request is answered carries its id (`requestId`, see src/http/app.ts).
// The scrubbing itself is src/lib/scrub.ts.
import { AsyncLocalStorage } from 'node:async_hooks'

import pino, { type DestinationStream, type Logger } from 'pino'

import { scrubText, serializeError } from './lib/scrub'
import { responseForError } from './shop/errorResponses'

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
