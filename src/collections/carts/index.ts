import type { CollectionConfig } from 'payload'

import { can, nobody, or, ownerOf } from '../../access'
import { roleCan } from '../../shop/roles'
import { label, labels } from '../../i18n/labels'

/**
 * One cart per buyer, kept in PostgreSQL. Written only by the cart operations (src/shop/cart.ts), one
 * targeted SQL statement per change; read here by admins (no personal data: the buyer's private fields
 * stay hidden) and by each buyer for their own.
 */
export const Carts: CollectionConfig = {
  slug: 'carts',
  labels: labels(['Cart', 'Корзина'], ['Carts', 'Корзины']),
  admin: { defaultColumns: ['id', 'buyer', 'updatedAt'], hidden: ({ user }) => !roleCan(user?.role, 'carts.manage') },
  access: { read: or(can('carts.manage'), ownerOf('buyer')), create: nobody, update: nobody, delete: can('carts.manage') },
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
