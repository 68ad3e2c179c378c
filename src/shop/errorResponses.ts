// The last word on errors that reach Payload's error route without a status of their own, in one place:
// the afterError hook answers with it, and the logger (src/logging.ts) uses it to tell a client's mistake
// (logged at warn, no stack) from a server error.
import type { AfterErrorHook } from 'payload'

import { isConnectionError, isSyntaxError, postgresCode } from '../db/errors'
import { tooLarge } from '../i18n/messages'
import { DATABASE_RETRY_AFTER, DATABASE_UNAVAILABLE, DatabaseUnavailable, TooManyRequests } from './errors'

/** What busboy (Payload's multipart parser) throws on a body it cannot read: the client's mistake. */
const MALFORMED_MULTIPART = /^(Malformed part header|Malformed content type|Unexpected end of (form|file)|Multipart: Boundary not found)/

const answer = (status: number, message: string) => ({ status, response: { errors: [{ message }] } })

/**
 * The status and body for an error that carries no status of its own (or a wrong one): a lost database,
 * malformed input that a parser or PostgreSQL refused. `undefined` when the error's own status stands.
 */
export function responseForError(error: unknown, method: string): { status: number; response: { errors: Array<{ message: string }> } } | undefined {
  const status = (error as { status?: number }).status
  if (status && status < 500) return undefined
  if (error instanceof DatabaseUnavailable || isConnectionError(error)) return answer(503, DATABASE_UNAVAILABLE)
  if (isSyntaxError(error)) return answer(400, 'Malformed JSON in the request body')
  const { name, message } = error as { name?: string; message?: string }
  if (typeof message === 'string' && MALFORMED_MULTIPART.test(message)) return answer(400, 'Malformed multipart body')
  if ((error as { code?: string }).code === 'ERR_INVALID_ARG_VALUE' && message?.includes('null bytes')) {
    // A NUL in a file name (GET /api/media/file/a%00b.png): Node refuses the path before any file is read.
    return answer(400, 'A value contains a character that is not allowed (NUL).')
  }
  if (name === 'FileRetrievalError') {
    // A media document that names a `url` instead of carrying its file: Payload tries to fetch it (its safe
    // fetch refuses private and link-local addresses) and fails with a 500. The client asked for it.
    return answer(400, 'Send the file itself; files are not fetched from URLs.')
  }
  switch (postgresCode(error)) {
    case '23503':
      // A row still points at the one being deleted, or a write points at a missing one.
      return method === 'DELETE' ? answer(409, 'Still referenced elsewhere; deactivate it instead.') : answer(400, 'A referenced document does not exist.')
    case '23505':
      return answer(409, 'That already exists.')
    case '22003':
    case '22P02':
      return answer(400, 'A value is out of range or malformed.')
    case '22021':
      // PostgreSQL text cannot hold NUL: a NUL in a path, filter or body reaches here.
      return answer(400, 'A value contains a character that is not allowed (NUL).')
  }
  return undefined
}

export const mapInfrastructureErrors: AfterErrorHook = ({ error, req, result }) => {
  if (error instanceof TooManyRequests) {
    // Payload builds the error response after this hook, with the request's response headers.
    const headers = req.responseHeaders ?? new Headers()
    headers.set('Retry-After', String(error.retryAfter))
    req.responseHeaders = headers
    return
  }
  const status = (error as { status?: number }).status
  if (status === 413) {
    // Payload's own "File size limit has been reached" (a photo just over the limit), in the user's language.
    const language = req.i18n?.language === 'ru' ? 'ru' : 'en'
    return { status, response: { errors: [{ message: tooLarge('upload', language) }] } }
  }
  // Typed shop errors with more to say than a message (OutOfStock's lines, PaymentDeclined's order).
  const extra = (error as { extra?: unknown }).extra
  if (status && extra && typeof extra === 'object') {
    return { status, response: { ...(result as object), ...extra } }
  }
  const mapped = responseForError(error, req.method ?? 'GET')
  if (mapped?.response.errors[0]?.message === DATABASE_UNAVAILABLE) {
    // A lost database is a moment: the client retries (and keeps its token), see databaseAwareAuth.ts.
    const headers = req.responseHeaders ?? new Headers()
    headers.set('Retry-After', String(DATABASE_RETRY_AFTER))
    req.responseHeaders = headers
  }
  return mapped
}
