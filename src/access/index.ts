// Small access rules, composed by the collections. Every collection names every operation.
import type { Access, FieldAccess, PayloadRequest } from 'payload'

type ShopUser = { id: number | string; role?: string; collection?: string }

export const currentUser = (req: PayloadRequest): ShopUser | null => {
  const user = req.user as ShopUser | null | undefined
  return user && user.collection === 'users' ? user : null
}

export const isAdminUser = (req: PayloadRequest): boolean => currentUser(req)?.role === 'admin'

export const anyone: Access = () => true
export const nobody: Access = () => false
export const isAdmin: Access = ({ req }) => isAdminUser(req)
export const isLoggedIn: Access = ({ req }) => Boolean(currentUser(req))

/** Users: each sees their own record; admins see everyone (minus private fields). */
export const adminOrSelf: Access = ({ req }) => {
  const user = currentUser(req)
  if (!user) return false
  if (user.role === 'admin') return true
  return { id: { equals: user.id } }
}

export const selfOnly: Access = ({ req }) => {
  const user = currentUser(req)
  return user ? { id: { equals: user.id } } : false
}

/** Catalogue rule: the public sees active documents only, admins see all. */
export const activeOrAdmin: Access = ({ req }) => (isAdminUser(req) ? true : { active: { equals: true } })

/**
 * Field rule for personal data: readable only by the person it belongs to. With no document (Payload checks
 * `where` and `sort` without one) it denies, so a filter on the field is refused the same way for every
 * value and cannot be used as an oracle.
 */
export const privateToOwner =
  (ownerOf: (doc: Record<string, unknown>) => unknown): FieldAccess =>
  ({ req, doc }) => {
    const user = currentUser(req)
    if (!user || !doc) return false
    const owner = ownerOf(doc as Record<string, unknown>)
    const ownerId = owner && typeof owner === 'object' ? (owner as { id?: unknown }).id : owner
    return ownerId !== undefined && ownerId !== null && String(ownerId) === String(user.id)
  }

export const fieldNobody: FieldAccess = () => false
export const fieldAnyone: FieldAccess = () => true
