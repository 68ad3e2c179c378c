// The shop's roles, declared once, as the capabilities each one grants and how far each reaches: over the
// whole shop, or only over the pickup points (stores) a staff member works at. Collections, custom routes
// and the admin panel ask for a capability (`can('orders.cancel')`), never for a role by name, so a new role
// is one entry here. Client-safe (the panel's components import it): no server module at run time.
import type { PayloadRequest } from 'payload'

import { label } from '../i18n/labels'

export const ROLES = ['buyer', 'staff', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, { en: string; ru: string }> = {
  buyer: label('Buyer', 'Покупатель'),
  staff: label('Shop staff', 'Сотрудник магазина'),
  admin: label('Admin', 'Администратор'),
}

export const CAPABILITIES = [
  /** Read every product and pickup point, also those off sale or closed. */
  'catalogue.read',
  /** Create, change and delete products and their photos. */
  'catalogue.manage',
  /** Create, change and delete pickup points. */
  'stores.manage',
  /** Create stock rows; receive, count and write off stock; read all its numbers and movements. */
  'stock.manage',
  /** Read orders (never the buyer's contact, identity or pickup code). */
  'orders.read',
  /** Assemble a paid order: weigh and pick its lines, capture the payment, mark it ready. */
  'orders.assemble',
  /** Hand an order over at the counter against its pickup code. */
  'orders.handOver',
  /** Cancel a paid or ready order (stock back, the payment voided or refunded). */
  'orders.cancel',
  /** Read every account (never the personal fields), make staff and change their stores, delete accounts. */
  'users.manage',
  /** Read and delete any buyer's cart (lines only, no personal data). */
  'carts.manage',
  /** Run, queue and read background jobs. */
  'jobs.run',
  /** Use the admin panel. */
  'panel.use',
] as const
export type Capability = (typeof CAPABILITIES)[number]

/** How far a granted capability reaches: the whole shop, or the user's own pickup points. */
export type Reach = 'all' | 'ownStores'

/** What each role may do. A buyer's own cart, checkout and orders need no capability: they are ownership. */
const GRANTS: Record<Role, Partial<Record<Capability, Reach>>> = {
  buyer: {},
  staff: {
    'panel.use': 'all',
    'catalogue.read': 'all',
    'stock.manage': 'ownStores',
    'orders.read': 'ownStores',
    'orders.assemble': 'ownStores',
    'orders.handOver': 'ownStores',
    'orders.cancel': 'ownStores',
  },
  admin: Object.fromEntries(CAPABILITIES.map((capability) => [capability, 'all'])),
}

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value)

/** How far `role` holds `capability`; undefined when it does not. */
export const reachOf = (role: unknown, capability: Capability): Reach | undefined => (isRole(role) ? GRANTS[role][capability] : undefined)

/** Whether `role` holds `capability` at all (over some pickup points or the whole shop). */
export const roleCan = (role: unknown, capability: Capability): boolean => reachOf(role, capability) !== undefined

/** The pickup points a user works at, as ids, whether `stores` holds ids or populated documents. */
export function storesOf(user: { stores?: unknown } | null | undefined): number[] {
  if (!user || !Array.isArray(user.stores)) return []
  return user.stores
    .map((s) => (s && typeof s === 'object' ? (s as { id?: unknown }).id : s))
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0)
}

/**
 * The pickup points over which `user` holds `capability`: 'all', a list of store ids (maybe empty), or
 * null when the capability is not theirs at all.
 */
export function storesWhere(user: { role?: unknown; stores?: unknown } | null | undefined, capability: Capability): 'all' | number[] | null {
  const reach = reachOf(user?.role, capability)
  if (reach === undefined) return null
  return reach === 'all' ? 'all' : storesOf(user)
}

export type ShopUser = { id: number | string; role?: string; stores?: unknown; collection?: string }

export const currentUser = (req: PayloadRequest): ShopUser | null => {
  const user = req.user as ShopUser | null | undefined
  return user && user.collection === 'users' ? user : null
}

/** Whether the request's user holds `capability` anywhere (false for anonymous requests). */
export const userCan = (req: PayloadRequest, capability: Capability): boolean => roleCan(currentUser(req)?.role, capability)

/** Whether the request's user holds `capability` at pickup point `storeId`. */
export const userCanAtStore = (req: PayloadRequest, capability: Capability, storeId: number): boolean => {
  const stores = storesWhere(currentUser(req), capability)
  return stores === 'all' || (stores !== null && stores.includes(storeId))
}
