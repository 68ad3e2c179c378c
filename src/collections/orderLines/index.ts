import type { Access, CollectionConfig } from 'payload'

import { currentUser, nobody } from '../../access'
import { label, labels } from '../../i18n/labels'

const linesOfOwnOrdersOrAdmin: Access = ({ req }) => {
  const user = currentUser(req)
  if (!user) return false
  return user.role === 'admin' ? true : { 'order.buyer': { equals: user.id } }
}

/**
 * A snapshot of one product in an order: name, unit and price as they were at checkout, and the quantity
 * reserved from the pickup point's stock (what goes back if the order is cancelled).
 */
export const OrderLines: CollectionConfig = {
  slug: 'order-lines',
  labels: labels(['Order line', 'Позиция заказа'], ['Order lines', 'Позиции заказов']),
  admin: { defaultColumns: ['order', 'product', 'quantity', 'lineTotal'], hidden: ({ user }) => user?.role !== 'admin' },
  access: { read: linesOfOwnOrdersOrAdmin, create: nobody, update: nobody, delete: nobody },
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
