import type { CollectionConfig, FieldAccess } from 'payload'

import { can, fieldNobody, nobody, or, ownerOf, privateToOwner } from '../../access'
import { label, labels } from '../../i18n/labels'
import { ORDER_STATUSES, PAYMENT_STATES } from '../../shop/orderStatus'
import { collectionEndpoints } from '../../api/route'
import { orderRoutes } from './endpoints'


// The contact and the pickup code belong to the buyer: an admin sees the order, never who placed it.
const buyersOwn: FieldAccess = privateToOwner((doc) => doc.buyer)
const privateField = { read: buyersOwn, create: fieldNobody, update: fieldNobody }

/**
 * Orders are written only by checkout, the settlement job, pickup and cancellation (src/shop/), each with
 * conditional SQL updates that follow the status table in src/shop/orderStatus.ts. Through the REST API and
 * the admin panel they are read-only.
 */
export const Orders: CollectionConfig = {
  slug: 'orders',
  labels: labels(['Order', 'Заказ'], ['Orders', 'Заказы']),
  admin: {
    useAsTitle: 'number',
    defaultColumns: ['number', 'status', 'pickupPoint', 'total', 'createdAt'],
  },
  access: { read: or(can('orders.read'), ownerOf('buyer')), create: nobody, update: nobody, delete: nobody },
  endpoints: collectionEndpoints('orders', orderRoutes),
  fields: [
    { name: 'number', type: 'text', required: true, unique: true, label: label('Number', 'Номер') },
    { name: 'buyer', type: 'relationship', relationTo: 'users', required: true, index: true, label: label('Buyer', 'Покупатель') },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'awaiting_payment',
      index: true,
      label: label('Status', 'Статус'),
      options: ORDER_STATUSES.map((value) => ({ value, label: value.replace('_', ' ') })),
    },
    { name: 'pickupPoint', type: 'relationship', relationTo: 'stores', required: true, label: label('Pickup point', 'Пункт выдачи') },
    { name: 'total', type: 'number', required: true, label: label('Total (minor units)', 'Сумма (копейки)') },
    { name: 'currency', type: 'text', required: true, label: label('Currency', 'Валюта') },
    {
      name: 'contact',
      type: 'group',
      label: label('Contact', 'Контакт'),
      access: privateField,
      fields: [
        { name: 'firstName', type: 'text', required: true, label: label('First name', 'Имя'), access: privateField },
        { name: 'lastName', type: 'text', required: true, label: label('Last name', 'Фамилия'), access: privateField },
        { name: 'phone', type: 'text', required: true, label: label('Phone', 'Телефон'), access: privateField },
      ],
    },
    { name: 'pickupCode', type: 'text', label: label('Pickup code', 'Код выдачи'), access: privateField },
    {
      name: 'payment',
      type: 'group',
      label: label('Payment', 'Оплата'),
      fields: [
        {
          name: 'state',
          type: 'select',
          required: true,
          defaultValue: 'pending',
          options: PAYMENT_STATES.map((value) => ({ value, label: value.replace('_', ' ') })),
        },
        // The key the gateway knows the charge by: the settlement job asks the gateway with it.
        { name: 'key', type: 'text', required: true },
        { name: 'chargeId', type: 'text' },
        { name: 'refundId', type: 'text' },
        { name: 'declineReason', type: 'text' },
      ],
    },
    { name: 'expiresAt', type: 'date', required: true, label: label('Reserved until', 'Резерв до') },
    { name: 'paidAt', type: 'date', label: label('Paid at', 'Оплачен') },
    { name: 'collectedAt', type: 'date', label: label('Collected at', 'Выдан') },
    { name: 'cancelledAt', type: 'date', label: label('Cancelled at', 'Отменён') },
    { name: 'cancelReason', type: 'text', label: label('Cancel reason', 'Причина отмены') },
    { name: 'lines', type: 'join', collection: 'order-lines', on: 'order', label: label('Lines', 'Позиции') },
  ],
}
