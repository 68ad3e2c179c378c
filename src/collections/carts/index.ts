import type { Access, CollectionConfig } from 'payload'

import { currentUser, isAdmin, nobody } from '../../access'
import { label, labels } from '../../i18n/labels'

const ownCartOrAdmin: Access = ({ req }) => {
  const user = currentUser(req)
  if (!user) return false
  return user.role === 'admin' ? true : { buyer: { equals: user.id } }
}

/**
 * One cart per buyer, kept in PostgreSQL. Written only by the cart operations (src/shop/cart.ts), one
 * targeted SQL statement per change; read here by admins (no personal data: the buyer's private fields
 * stay hidden) and by each buyer for their own.
 */
export const Carts: CollectionConfig = {
  slug: 'carts',
  labels: labels(['Cart', 'Корзина'], ['Carts', 'Корзины']),
  admin: { defaultColumns: ['id', 'buyer', 'updatedAt'] },
  access: { read: ownCartOrAdmin, create: nobody, update: nobody, delete: isAdmin },
  fields: [
    {
      name: 'buyer',
      type: 'relationship',
      relationTo: 'users',
      label: label('Buyer', 'Покупатель'),
      required: true,
      unique: true,
    },
    {
      name: 'lines',
      type: 'join',
      collection: 'cart-lines',
      on: 'cart',
      label: label('Lines', 'Позиции'),
    },
  ],
}
