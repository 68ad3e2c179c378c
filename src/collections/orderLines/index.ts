import type { CollectionConfig } from 'payload'

import { can, nobody, or, ownerOf } from '../../access'
import { roleCan } from '../../access/roles'
import { label, labels } from '../../i18n/labels'

/**
 * A snapshot of one product in an order: name, unit and price as they were at checkout, and the quantity
 * reserved from the pickup point's stock (what goes back if the order is cancelled).
 */
export const OrderLines: CollectionConfig = {
  slug: 'order-lines',
  labels: labels(['Order line', 'Позиция заказа'], ['Order lines', 'Позиции заказов']),
  admin: { defaultColumns: ['order', 'product', 'quantity', 'lineTotal'], hidden: ({ user }) => !roleCan(user?.role, 'orders.read') },
  access: { read: or(can('orders.read'), ownerOf('order.buyer')), create: nobody, update: nobody, delete: nobody },
  indexes: [{ fields: ['order', 'product'], unique: true }],
  fields: [
    { name: 'order', type: 'relationship', relationTo: 'orders', required: true, label: label('Order', 'Заказ') },
    { name: 'product', type: 'relationship', relationTo: 'products', required: true, label: label('Product', 'Товар') },
    { name: 'name', type: 'text', required: true, label: label('Name', 'Название') },
    { name: 'unit', type: 'text', required: true, label: label('Unit', 'Единица') },
    { name: 'quantity', type: 'number', required: true, label: label('Quantity', 'Количество') },
    { name: 'unitPrice', type: 'number', required: true, label: label('Unit price', 'Цена') },
    { name: 'lineTotal', type: 'number', required: true, label: label('Line total', 'Сумма') },
  ],
}
