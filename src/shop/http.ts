// What every custom endpoint needs before it calls an operation: a parsed body and a known caller.
import type { PayloadRequest } from 'payload'
import { addDataAndFileToRequest } from 'payload'
import type { z } from 'zod'

import { currentUser } from '../access'
import { BadRequest, Forbidden, Unauthorized } from './errors'

/** Parses the JSON body (malformed JSON is a 400, not a 500) and validates it with `schema`. */
export async function parseBody<S extends z.ZodType>(req: PayloadRequest, schema: S): Promise<z.output<S>> {
  const contentType = (req.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase()
  if (contentType !== 'application/json') throw new BadRequest('Send a JSON body with Content-Type: application/json')
  await addDataAndFileToRequest(req)
  const result = schema.safeParse(req.data)
  if (!result.success) {
    throw new BadRequest('Invalid request body', {
      issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    })
  }
  return result.data
}

export function requireUser(req: PayloadRequest) {
  const user = currentUser(req)
  if (!user) throw new Unauthorized()
  return user
}

export function requireAdmin(req: PayloadRequest) {
  const user = requireUser(req)
  if (user.role !== 'admin') throw new Forbidden()
  return user
}
