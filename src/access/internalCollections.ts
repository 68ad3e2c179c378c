// Access to the collections Payload adds by itself: document locks, the panel's preferences, the job queue,
// the migrations and the key-value store. They are the panel's plumbing, not the shop's API, and Payload's
// defaults are too open for a shop whose buyers are signed-in users too: any signed-in user may read every
// lock and create one on any document (the owner's next save then answers 423 for five minutes, renewable
// forever), and keep preferences. Payload adds these collections while it sanitizes the config, after the
// plugins have run, so the rules are set on the sanitized config (buildShopConfig calls this).
import type { Access, CollectionAfterReadHook, CollectionSlug, CollectionBeforeValidateHook, Endpoint, PayloadRequest, SanitizedConfig, Where } from 'payload'

import { Forbidden } from '../shop/errors'
import { currentUser, userCan } from '../shop/roles'
import { and, canAtStore, nobody, or } from './index'

export const LOCKS = 'payload-locked-documents' as const
export const PREFERENCES = 'payload-preferences'
/** Never through the API, not even for admins: Payload uses them itself, with access overridden. */
const CLOSED = ['payload-migrations', 'payload-kv']

const OPERATIONS = ['create', 'read', 'update', 'delete'] as const

const panelUser = (req: PayloadRequest) => userCan(req, 'panel.use')
const inPanel: Access = ({ req }) => panelUser(req)

/**
 * Collections whose documents change only through the shop's operations (custom routes), never through
 * Payload's update: who works on one of their documents in the panel, and so may hold its lock.
 */
const OPERATED_IN_PANEL: Record<string, Access> = {
  stock: canAtStore('stock.manage', 'store'),
  orders: or(canAtStore('orders.assemble', 'pickupPoint'), canAtStore('orders.handOver', 'pickupPoint'), canAtStore('orders.cancel', 'pickupPoint')),
}

const idOf = (value: unknown): string | number | undefined => {
  const id = value && typeof value === 'object' ? (value as { id?: unknown }).id : value
  return typeof id === 'string' || typeof id === 'number' ? id : undefined
}

/** Whether `rule` lets the request's user at document `id` of `collection` (a condition is checked on it). */
async function allowsAt(req: PayloadRequest, rule: Access, collection: CollectionSlug, id: number | string): Promise<boolean> {
  // Access args type ids as numbers, the default id type; products' ids (SKUs) are strings.
  const result = await rule({ req, id: id as number })
  if (result === true) return true
  if (!result) return false
  const { totalDocs } = await req.payload.count({ collection, overrideAccess: true, req, where: { and: [{ id: { equals: id } }, result as Where] } })
  return totalDocs > 0
}

/**
 * Whether the request's user may edit document `id` of `collection` in the panel: a panel user whom the
 * collection's update rule allows there, or who works on it through the shop's operations.
 */
export async function mayEditInPanel(req: PayloadRequest, collection: unknown, id: unknown): Promise<boolean> {
  const docId = idOf(id)
  if (!panelUser(req) || typeof collection !== 'string' || docId === undefined) return false
  const target = req.payload.collections[collection as keyof typeof req.payload.collections]
  const config = target?.config
  if (!config || config.slug.startsWith('payload-')) return false
  // Not an id of that collection at all (a word where ids are numbers): nothing to edit, and no query.
  if (!target.customIDType && !/^[1-9]\d{0,15}$/.test(String(docId))) return false
  for (const rule of [config.access.update, OPERATED_IN_PANEL[collection]]) {
    if (rule && (await allowsAt(req, rule, config.slug, docId))) return true
  }
  return false
}

type LockTarget = { relationTo?: unknown; value?: unknown } | null | undefined
type LockDoc = { document?: LockTarget; globalSlug?: unknown; user?: { relationTo?: unknown; value?: unknown } | null }

const isOwnLock = (req: PayloadRequest, lock: LockDoc) => {
  const user = currentUser(req)
  return Boolean(user && lock.user?.relationTo === user.collection && String(idOf(lock.user?.value)) === String(user.id))
}

/** The lock `id` as stored (its document, its user), or null. */
async function storedLock(req: PayloadRequest, id: unknown): Promise<LockDoc | null> {
  if (typeof id !== 'string' && typeof id !== 'number') return null
  const lock = await req.payload.findByID({ collection: LOCKS, id, depth: 0, overrideAccess: true, req, disableErrors: true })
  return (lock as LockDoc | null) ?? null
}

/**
 * Locks: panel users read them all (the panel shows who holds a document); a lock is made, taken over or
 * moved only on a document the user may edit (see mayEditInPanel), always in the user's own name; one's own
 * lock can always be released. One lock at a time (no bulk changes: the panel never makes them). This
 * shop has no globals, so no global locks. The panel itself makes and renews its locks without these rules
 * (straight in the database, from its form-state server function, which only panel users may call).
 */
const lockAccess: Record<(typeof OPERATIONS)[number], Access> = {
  read: inPanel,
  create: async ({ req, data }) => {
    const lock = (data ?? {}) as LockDoc
    if (lock.globalSlug) return false
    return mayEditInPanel(req, lock.document?.relationTo, lock.document?.value)
  },
  update: async ({ req, id }) => {
    if (!panelUser(req)) return false
    const lock = await storedLock(req, id)
    return Boolean(lock && !lock.globalSlug && (await mayEditInPanel(req, lock.document?.relationTo, lock.document?.value)))
  },
  delete: async ({ req, id }) => {
    if (!panelUser(req)) return false
    const lock = await storedLock(req, id)
    if (!lock) return false
    return isOwnLock(req, lock) || (await mayEditInPanel(req, lock.document?.relationTo, lock.document?.value))
  },
}

/** A lock is held in its maker's name, and stays on the document it was made for. */
const lockOwnName: CollectionBeforeValidateHook = ({ data, originalDoc, operation, req }) => {
  const user = currentUser(req)
  if (!data || !user) return data // Payload's own calls (no user): as they are
  const pinned: Record<string, unknown> = { ...data, user: { relationTo: user.collection ?? 'users', value: user.id } }
  if (operation === 'update' && originalDoc) {
    const original = originalDoc as LockDoc
    const target = original.document
    pinned.document = target ? { relationTo: target.relationTo, value: idOf(target.value) } : null
    pinned.globalSlug = original.globalSlug ?? null
  }
  return pinned
}

/**
 * A lock says who holds it, not more: a populated user is cut down to what names them in the panel ("locked
 * by …"), of what the reader may see of them at all. Never their sessions, whoever reads.
 */
const lockNamesOnly: CollectionAfterReadHook = ({ doc }) => {
  const lock = doc as LockDoc
  const value = lock.user?.value
  if (!value || typeof value !== 'object') return doc
  const person = value as Record<string, unknown>
  const named: Record<string, unknown> = { id: person.id }
  for (const key of ['collection', 'username', 'email'] as const) if (person[key] !== undefined && person[key] !== null) named[key] = person[key]
  return { ...doc, user: { ...lock.user, value: named } }
}

/** An endpoint refused to anyone who does not use the panel (403), before its handler runs. */
const panelOnly = (endpoint: Endpoint): Endpoint => ({
  ...endpoint,
  handler: async (req) => {
    if (!panelUser(req)) throw new Forbidden()
    return endpoint.handler(req)
  },
})

/**
 * Sets the access of every collection Payload added to `config` (every slug not in `ownSlugs`):
 * - payload-locked-documents: see lockAccess;
 * - payload-preferences: panel users, each their own (Payload's rule, also on its /:key endpoints);
 * - payload-migrations, payload-kv: nobody;
 * - payload-jobs and anything else: panel users, and whatever the collection's own rule says.
 */
export function restrictInternalCollections(config: SanitizedConfig, ownSlugs: readonly string[]): SanitizedConfig {
  for (const collection of config.collections) {
    if (ownSlugs.includes(collection.slug)) continue
    const access = collection.access as Record<(typeof OPERATIONS)[number], Access | undefined>
    if (collection.slug === LOCKS) {
      Object.assign(access, lockAccess)
      collection.hooks.beforeValidate = [lockOwnName, ...(collection.hooks.beforeValidate ?? [])]
      collection.hooks.afterRead = [...(collection.hooks.afterRead ?? []), lockNamesOnly]
    } else if (CLOSED.includes(collection.slug)) {
      for (const operation of OPERATIONS) access[operation] = nobody
    } else {
      for (const operation of OPERATIONS) access[operation] = access[operation] ? and(inPanel, access[operation]!) : inPanel
    }
    // Payload's preferences endpoints (/:key) check only that someone is signed in; jobs' run and
    // schedule endpoints have their own rules (config.jobs.access, src/jobs).
    if (collection.slug === PREFERENCES && Array.isArray(collection.endpoints)) {
      collection.endpoints = collection.endpoints.map((endpoint) => (endpoint.path === '/:key' ? panelOnly(endpoint) : endpoint))
    }
  }
  return config
}
