// The last word on errors that reach Payload's error route without a status of their own.
import type { AfterErrorHook } from 'payload'

import { isConnectionError, isSyntaxError, postgresCode } from '../db/errors'
import { DATABASE_UNAVAILABLE } from './errors'

export const mapInfrastructureErrors: AfterErrorHook = ({ error, req, result }) => {
  const status = (error as { status?: number }).status
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
  }
  return
}
