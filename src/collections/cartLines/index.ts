import type { CollectionConfig } from 'payload'

import { can, nobody } from '../../access'
import { roleCan } from '../../shop/roles'
import { label, labels } from '../../i18n/labels'

/** A product and its quantity in a cart. One row per (cart, product): adds are an SQL upsert. */
export const CartLines: CollectionConfig = {
  slug: 'cart-lines',
  labels: labels(['Cart line', 'Позиция корзины'], ['Cart lines', 'Позиции корзин']),
  admin: { defaultColumns: ['cart', 'product', 'quantity'], hidden: ({ user }) => !roleCan(user?.role, 'carts.manage') },
  access: { read: can('carts.manage'), create: nobody, update: nobody, delete: nobody },
  indexes: [{ fields: ['cart', 'product'], unique: true }],
  fields: [
    { name: 'cart', type: 'relationship', relationTo: 'carts', required: true, label: label('Cart', 'Корзина') },
    { name: 'product', type: 'relationship', relationTo: 'products', required: true, label: label('Product', 'Товар') },
    { name: 'quantity', type: 'number', required: true, label: label('Quantity', 'Количество') },
  ],
}
