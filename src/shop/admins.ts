// The one way to make an admin (besides the demo seed): a command run by someone with server access.
import type { Payload } from 'payload'

import { brokenPasswordRule, passwordRuleMessage } from './auth/passwordPolicy'
import { BadRequest } from './errors'
import { GRANT_ADMIN } from './roleAssignment'

export async function createOrPromoteAdmin(payload: Payload, { email, password }: { email: string; password: string }) {
  const normalized = email.trim().toLowerCase()
  if (!/^[^\s@]+@[^\s@]+$/.test(normalized)) throw new BadRequest('A valid --email is required')
  const rule = brokenPasswordRule(password, { email: normalized })
  if (rule) throw new BadRequest(`--password: ${passwordRuleMessage(rule, 'en')}`)
  const context = { [GRANT_ADMIN]: true }
  // Access is bypassed on purpose: this runs from the command line, not for a logged-in user.
  const existing = await payload.find({
    collection: 'users',
    where: { email: { equals: normalized } },
    limit: 1,
    overrideAccess: true,
    depth: 0,
  })
  const user = existing.docs[0]
  if (user) {
    await payload.update({
      collection: 'users',
      id: user.id,
      data: { role: 'admin', password, active: true },
      overrideAccess: true,
      context,
    })
    return { id: user.id, created: false }
  }
  const created = await payload.create({
    collection: 'users',
    data: { email: normalized, password, role: 'admin' },
    overrideAccess: true,
    context,
  })
  return { id: created.id, created: true }
}
