// The shop's roles, declared once, as the capabilities each one grants. Collections, custom routes and the
// admin panel ask for a capability (`can(user, 'orders.cancel')`), never for a role by name, so a new role
// is one entry here.

import { label } from '../i18n/labels'

export const ROLES = ['buyer', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, { en: string; ru: string }> = {
  buyer: label('Buyer', 'Покупатель'),
  admin: label('Admin', 'Администратор'),
}

export const CAPABILITIES = [
  /** Create, change and delete products and their photos. */
  'catalogue.manage',
  /** Create, change and delete pickup points. */
  'stores.manage',
  /** Create stock rows and change their numbers. */
  'stock.manage',
  /** Read every order (never the buyer's contact or pickup code). */
  'orders.read',
  /** Cancel a paid order (stock back, refund). */
  'orders.cancel',
  /** Hand an order over at the counter against its pickup code. */
  'orders.handOver',
  /** Read every account (never the personal fields) and delete accounts. */
  'users.manage',
  /** Read and delete any buyer's cart (lines only, no personal data). */
  'carts.manage',
  /** Run, queue and read background jobs. */
  'jobs.run',
  /** Use the admin panel. */
  'panel.use',
] as const
export type Capability = (typeof CAPABILITIES)[number]

/** What each role may do. A buyer's own cart, checkout and orders need no capability: they are ownership. */
const GRANTS: Record<Role, readonly Capability[]> = {
  buyer: [],
  admin: CAPABILITIES,
}

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value)

export const roleCan = (role: unknown, capability: Capability): boolean => isRole(role) && GRANTS[role].includes(capability)
