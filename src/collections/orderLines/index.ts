import type { CollectionConfig } from 'payload'

import { canAtStore, nobody, or, ownerOf } from '../../access'
import { roleCan } from '../../shop/roles'
import { env } from '../../env'
import { label, labels } from '../../i18n/labels'

const QUANTITY = '/admin/orders/Money#QuantityCell'
/** Lines carry no currency of their own: the shop's one currency. */
const money = () => ({ path: '/admin/orders/Money#MoneyCell', clientProps: { currency: env.currency } })

/**
 * A snapshot of one product in an order: name, unit and price as they were at checkout, the quantity
 * ordered (and reserved), and once the order is assembled the quantity picked (for weighed goods, what the
 * scale said), which is what the buyer pays for and what stays reserved until the hand-over.
 */
export const OrderLines: CollectionConfig = {
  slug: 'order-lines',
  labels: labels(['Order line', 'Позиция заказа'], ['Order lines', 'Позиции заказов']),
  admin: {
    defaultColumns: ['order', 'product', 'quantity', 'pickedQuantity', 'lineTotal'],
    hidden: ({ user }) => !roleCan(user?.role, 'orders.read'),
  },
  access: { read: or(canAtStore('orders.read', 'order.pickupPoint'), ownerOf('order.buyer')), create: nobody, update: nobody, delete: nobody },
  indexes: [{ fields: ['order', 'product'], unique: true }],
  fields: [
    { name: 'order', type: 'relationship', relationTo: 'orders', required: true, label: label('Order', 'Заказ') },
    { name: 'product', type: 'relationship', relationTo: 'products', required: true, label: label('Product', 'Товар') },
    { name: 'name', type: 'text', required: true, label: label('Name', 'Название') },
    { name: 'unit', type: 'text', required: true, label: label('Unit', 'Единица') },
    { name: 'quantity', type: 'number', required: true, label: label('Ordered', 'Заказано'), admin: { components: { Cell: QUANTITY } } },
    { name: 'pickedQuantity', type: 'number', label: label('Picked', 'Собрано'), admin: { components: { Cell: QUANTITY } } },
    { name: 'unitPrice', type: 'number', required: true, label: label('Unit price', 'Цена'), admin: { components: { Cell: money() } } },
    { name: 'lineTotal', type: 'number', required: true, label: label('Line total', 'Сумма'), admin: { components: { Cell: money() } } },
  ],
}
