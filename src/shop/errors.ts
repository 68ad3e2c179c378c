// The shop's typed errors. Operations throw them; Payload's error route turns each into
// `{errors:[{name, message, data?}]}` with the status below, so handlers never pick status codes.
import { APIError } from 'payload'

export class BadRequest extends APIError {
  constructor(message: string, data?: Record<string, unknown>) {
    super(message, 400, data ?? null, true)
  }
}

export class Unauthorized extends APIError {
  constructor(message = 'Log in first.') {
    super(message, 401, null, true)
  }
}

export class Forbidden extends APIError {
  constructor(message = 'You are not allowed to do that.') {
    super(message, 403, null, true)
  }
}

export class NotFound extends APIError {
  constructor(message: string, data?: Record<string, unknown>) {
    super(message, 404, data ?? null, true)
  }
}

export class Conflict extends APIError {
  constructor(message: string, data?: Record<string, unknown>) {
    super(message, 409, data ?? null, true)
  }
}

/** What a client hears while PostgreSQL is unreachable (503). */
export const DATABASE_UNAVAILABLE = 'The shop database is not reachable right now; try again shortly.'
