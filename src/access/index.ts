// Small access rules, composed by the collections and named by the custom routes. Every collection names
// every operation. Roles and what they may do are declared once, in src/shop/roles.ts.
import type { Access, AccessArgs, AccessResult, FieldAccess, PayloadRequest, Where } from 'payload'

import { type Capability, currentUser, storesWhere } from '../shop/roles'

export const anyone: Access = () => true
export const nobody: Access = () => false
export const signedIn: Access = ({ req }) => Boolean(currentUser(req))

/**
 * Users holding `capability` over the whole shop (a plain yes or no: also fits the panel's and the job
 * queue's access). Staff, who hold some capabilities only at their own pickup points, pass `can` only where
 * the rule knows which store a document belongs to: see `canAtStore`.
 */
export const can =
  (capability: Capability) =>
  ({ req }: { req: PayloadRequest }): boolean =>
    storesWhere(currentUser(req), capability) === 'all'

/**
 * Users holding `capability`, for documents of the pickup points it reaches: everything for a reach over the
 * whole shop, `{ [storeField]: { in: their stores } }` for staff, nothing otherwise.
 */
export const canAtStore =
  (capability: Capability, storeField: string): Access =>
  ({ req }) => {
    const stores = storesWhere(currentUser(req), capability)
    if (stores === null) return false
    if (stores === 'all') return true
    return stores.length > 0 ? { [storeField]: { in: stores } } : false
  }

/**
 * The panel's list of a collection everyone may read (stock), narrowed for staff to their own pickup
 * points: what they work with, first. Not access: the API still answers the public view of other stores.
 */
export const ownStoresInPanel =
  (capability: Capability, storeField: string) =>
  ({ req }: { req: PayloadRequest }): Where | null => {
    const stores = storesWhere(currentUser(req), capability)
    if (stores === null || stores === 'all') return null
    // A clerk not yet given a pickup point: an empty list (every row has an id).
    return stores.length > 0 ? { [storeField]: { in: stores } } : { id: { exists: false } }
  }

/**
 * Field rule: readable by those holding `capability` at the document's pickup point. Without a document
 * (Payload checks `where` and `sort` without one) only a reach over the whole shop passes, so a filter on
 * the field is the same refusal for every value.
 */
export const fieldAtStore =
  (capability: Capability, storeOf: (doc: Record<string, unknown>) => unknown): FieldAccess =>
  ({ req, doc }) => {
    const stores = storesWhere(currentUser(req), capability)
    if (stores === null) return false
    if (stores === 'all') return true
    if (!doc) return false
    const store = storeOf(doc as Record<string, unknown>)
    const id = Number(store && typeof store === 'object' ? (store as { id?: unknown }).id : store)
    return stores.includes(id)
  }


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

/** The catalogue rule: the public sees what is active; those holding `capability` see everything. */
export const activeOr = (capability: Capability): Access => or(can(capability), where({ active: { equals: true } }))

/**
 * Field rule for personal data: readable only by the person it belongs to. With no document (Payload checks
 * `where` and `sort` without one, and without data) it denies, so a filter on the field is refused the same
 * way for every value and cannot be used as an oracle. The panel's form asks with the document as `data`
 * (and no `doc`): the owner's own account view shows their email and name.
 */
export const privateToOwner =
  (ownerOf: (doc: Record<string, unknown>) => unknown): FieldAccess =>
  ({ req, doc, data }) => {
    const user = currentUser(req)
    const source = doc ?? data
    if (!user || !source) return false
    const owner = ownerOf(source as Record<string, unknown>)
    const ownerId = owner && typeof owner === 'object' ? (owner as { id?: unknown }).id : owner
    return ownerId !== undefined && ownerId !== null && String(ownerId) === String(user.id)
  }

/** Field rule: users holding `capability` over the whole shop. */
export const fieldCan =
  (capability: Capability): FieldAccess =>
  ({ req }) =>
    storesWhere(currentUser(req), capability) === 'all'

/** Field rule: allowed when any rule allows. */
export const fieldOr =
  (...rules: FieldAccess[]): FieldAccess =>
  async (args) => {
    for (const rule of rules) if (await rule(args)) return true
    return false
  }

export const fieldNobody: FieldAccess = () => false
export const fieldSignedIn: FieldAccess = ({ req }) => Boolean(currentUser(req))
