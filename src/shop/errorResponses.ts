// The last word on errors that reach Payload's error route without a status of their own.
import type { AfterErrorHook } from 'payload'

import { isConnectionError, isSyntaxError, postgresCode } from '../db/errors'
import { DATABASE_UNAVAILABLE, TooManyRequests } from './errors'

/** What busboy (Payload's multipart parser) throws on a body it cannot read: the client's mistake. */
const MALFORMED_MULTIPART = /^(Malformed part header|Malformed content type|Unexpected end of (form|file)|Multipart: Boundary not found)/

export const mapInfrastructureErrors: AfterErrorHook = ({ error, req, result }) => {
  const status = (error as { status?: number }).status
  if (error instanceof TooManyRequests) {
    // Payload builds the error response after this hook, with the request's response headers.
    const headers = req.responseHeaders ?? new Headers()
    headers.set('Retry-After', String(error.retryAfter))
    req.responseHeaders = headers
    return
  }
  // Typed shop errors with more to say than a message (OutOfStock's lines, PaymentDeclined's order).
  const extra = (error as { extra?: unknown }).extra
  if (status && extra && typeof extra === 'object') {
    return { status, response: { ...(result as object), ...extra } }
  }
  if (status && status < 500) return
  if (isConnectionError(error)) {
    return {
      status: 503,
      response: { errors: [{ message: DATABASE_UNAVAILABLE }] },
    }
  }
  if (isSyntaxError(error)) {
    return { status: 400, response: { errors: [{ message: 'Malformed JSON in the request body' }] } }
  }
  const { name, message } = error as { name?: string; message?: string }
  if (typeof message === 'string' && MALFORMED_MULTIPART.test(message)) {
    return { status: 400, response: { errors: [{ message: 'Malformed multipart body' }] } }
  }
  if ((error as { code?: string }).code === 'ERR_INVALID_ARG_VALUE' && message?.includes('null bytes')) {
    // A NUL in a file name (GET /api/media/file/a%00b.png): Node refuses the path before any file is read.
    return { status: 400, response: { errors: [{ message: 'A value contains a character that is not allowed (NUL).' }] } }
  }
  if (name === 'FileRetrievalError') {
    // A media document that names a `url` instead of carrying its file: Payload tries to fetch it (its safe
    // fetch refuses private and link-local addresses) and fails with a 500. The client asked for it.
    return { status: 400, response: { errors: [{ message: 'Send the file itself; files are not fetched from URLs.' }] } }
  }
  switch (postgresCode(error)) {
    case '23503':
      // A row still points at the one being deleted, or a write points at a missing one.
      return req.method === 'DELETE'
        ? { status: 409, response: { errors: [{ message: 'Still referenced elsewhere; deactivate it instead.' }] } }
        : { status: 400, response: { errors: [{ message: 'A referenced document does not exist.' }] } }
    case '23505':
      return { status: 409, response: { errors: [{ message: 'That already exists.' }] } }
    case '22003':
    case '22P02':
      return { status: 400, response: { errors: [{ message: 'A value is out of range or malformed.' }] } }
    case '22021':
      // PostgreSQL text cannot hold NUL: a NUL in a path, filter or body reaches here.
      return { status: 400, response: { errors: [{ message: 'A value contains a character that is not allowed (NUL).' }] } }
  }
  return
}
