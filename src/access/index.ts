// Small access rules, composed by the collections and named by the custom routes. Every collection names
// every operation. Roles and what they may do are declared once, in ./roles.ts.
import type { Access, AccessArgs, AccessResult, FieldAccess, PayloadRequest, Where } from 'payload'

import { type Capability, roleCan } from './roles'

export { CAPABILITIES, type Capability, ROLES, type Role } from './roles'

export type ShopUser = { id: number | string; role?: string; collection?: string }

export const currentUser = (req: PayloadRequest): ShopUser | null => {
  const user = req.user as ShopUser | null | undefined
  return user && user.collection === 'users' ? user : null
}

/** Whether the request's user holds `capability` (false for anonymous requests). */
export const userCan = (req: PayloadRequest, capability: Capability): boolean => roleCan(currentUser(req)?.role, capability)

export const anyone: Access = () => true
export const nobody: Access = () => false
export const signedIn: Access = ({ req }) => Boolean(currentUser(req))

/** Users holding `capability` (a plain yes or no: also fits the panel's and the job queue's access). */
export const can =
  (capability: Capability) =>
  ({ req }: { req: PayloadRequest }): boolean =>
    userCan(req, capability)

/** Documents whose `field` points at the requesting user (their own cart, orders, account). */
export const ownerOf =
  (field: string): Access =>
  ({ req }) => {
    const user = currentUser(req)
    return user ? { [field]: { equals: user.id } } : false
  }

/** Documents matching a fixed condition, e.g. the active part of the catalogue. */
export const where =
  (condition: Where): Access =>
  () =>
    condition

const resolve = async (rule: Access, args: AccessArgs): Promise<AccessResult> => rule(args)

/** Allowed when any rule allows: `true` wins, conditions are OR-ed, `false` when none allows. */
export const or =
  (...rules: Access[]): Access =>
  async (args) => {
    const conditions: Where[] = []
    for (const rule of rules) {
      const result = await resolve(rule, args)
      if (result === true) return true
      if (result) conditions.push(result)
    }
    if (conditions.length === 0) return false
    return conditions.length === 1 ? conditions[0]! : { or: conditions }
  }

/** Allowed when every rule allows: `false` wins, conditions are AND-ed. */
export const and =
  (...rules: Access[]): Access =>
  async (args) => {
    const conditions: Where[] = []
    for (const rule of rules) {
      const result = await resolve(rule, args)
      if (!result) return false
      if (result !== true) conditions.push(result)
    }
    if (conditions.length === 0) return true
    return conditions.length === 1 ? conditions[0]! : { and: conditions }
  }

/** The catalogue rule: the public sees what is active; catalogue managers see everything. */
export const activeOr = (capability: Capability): Access => or(can(capability), where({ active: { equals: true } }))

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
export const fieldSignedIn: FieldAccess = ({ req }) => Boolean(currentUser(req))
