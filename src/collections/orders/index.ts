import type { CollectionConfig, FieldAccess } from 'payload'

import { canAtStore, fieldNobody, nobody, or, ownerOf, privateToOwner } from '../../access'
import { currentUser, userCan } from '../../shop/roles'
import { env } from '../../env'
import { label, labels } from '../../i18n/labels'
import { ORDER_STATUSES, PAYMENT_STATE_LABELS, PAYMENT_STATES, STATUS_LABELS } from '../../shop/orderStatus'

// The contact, the pickup code and who placed the order belong to the buyer: staff and admins see the
// order, never who placed it or how to reach them.
const buyersOwn: FieldAccess = privateToOwner((doc) => doc.buyer)
const privateField = { read: buyersOwn, create: fieldNobody, update: fieldNobody }
/**
 * Who placed the order: readable by that buyer. A filter on it (checked without a document) is refused to
 * those who read others' orders (staff, admins: it would tie orders to accounts) and allowed to buyers,
 * whose read access already keeps them to their own orders.
 */
const buyerField: FieldAccess = (args) => (args.doc ? buyersOwn(args) : Boolean(currentUser(args.req)) && !userCan(args.req, 'orders.read'))

const COMPONENTS = '/admin/orders'
/** An amount in minor units, shown as money in the list and the (read-only) order view. */
const money = (name: string, en: string, ru: string, required = true) => ({
  name,
  type: 'number' as const,
  required,
  label: label(en, ru),
  admin: { components: { Field: `${COMPONENTS}/Money#MoneyField`, Cell: `${COMPONENTS}/Money#MoneyCell` } },
})

/**
 * A moment in the order's life, shown with its time; the optional ones only once they happened
 * (a condition on a required field would make its column nullable, so required ones always show).
 */
const moment = (name: string, fieldLabel: ReturnType<typeof label>, extra: { required?: boolean; index?: boolean } = {}) => ({
  name,
  type: 'date' as const,
  label: fieldLabel,
  ...extra,
  admin: {
    date: { pickerAppearance: 'dayAndTime' as const, displayFormat: 'Pp' },
    ...(extra.required ? {} : { condition: (data: Record<string, unknown>) => Boolean(data?.[name]) }),
  },
})

/**
 * Orders are written only by checkout, assembly, hand-over, cancellation and the settlement job
 * (src/shop/), each with conditional SQL updates that follow the status table in src/shop/orderStatus.ts.
 * Through the REST API and the admin panel they are read-only. Amounts are integers in minor units.
 */
export const Orders: CollectionConfig = {
  slug: 'orders',
  labels: labels(['Order', 'Заказ'], ['Orders', 'Заказы']),
  admin: {
    useAsTitle: 'number',
    defaultColumns: ['number', 'status', 'pickupPoint', 'total', 'createdAt'],
  },
  access: { read: or(canAtStore('orders.read', 'pickupPoint'), ownerOf('buyer')), create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'number', type: 'text', required: true, unique: true, label: label('Number', 'Номер') },
    {
      name: 'buyer',
      type: 'relationship',
      relationTo: 'users',
      // Unset when the buyer deletes their account: the order stays for the shop's books (src/shop/accounts.ts).
      index: true,
      label: label('Buyer', 'Покупатель'),
      access: { read: buyerField, create: fieldNobody, update: fieldNobody },
    },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'awaiting_payment',
      index: true,
      label: label('Status', 'Статус'),
      options: ORDER_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] })),
    },
    { name: 'pickupPoint', type: 'relationship', relationTo: 'stores', required: true, index: true, label: label('Pickup point', 'Пункт выдачи') },
    money('total', 'Total', 'Сумма'),
    money('authorized', 'Held on the card', 'Удержано'),
    money('captured', 'Charged', 'Списано', false),
    { ...money('refunded', 'Refunded', 'Возвращено'), defaultValue: 0 },
    { name: 'currency', type: 'text', required: true, label: label('Currency', 'Валюта'), admin: { hidden: true } },
    {
      // Assemble, cancel, or go to the pickup desk: for those allowed to, in the order view.
      name: 'actions',
      type: 'ui',
      label: label('Actions', 'Действия'),
      admin: {
        disableListColumn: true,
        components: { Field: { path: `${COMPONENTS}/OrderActions#OrderActions`, clientProps: { weightToleranceBp: env.weightToleranceBp } } },
      },
    },
    {
      name: 'contact',
      type: 'group',
      label: label('Contact', 'Контакт'),
      access: privateField,
      fields: [
        // Erased when the buyer deletes their account (checkout always writes all three).
        { name: 'firstName', type: 'text', label: label('First name', 'Имя'), access: privateField },
        { name: 'lastName', type: 'text', label: label('Last name', 'Фамилия'), access: privateField },
        { name: 'phone', type: 'text', label: label('Phone', 'Телефон'), access: privateField },
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
          label: label('State', 'Состояние'),
          options: PAYMENT_STATES.map((value) => ({ value, label: PAYMENT_STATE_LABELS[value] })),
        },
        // The key the gateway knows the authorization by: the settlement job asks the gateway with it.
        { name: 'key', type: 'text', required: true, label: label('Idempotency key', 'Ключ идемпотентности') },
        { name: 'authorizationId', type: 'text', label: label('Authorization', 'Авторизация') },
        { name: 'declineReason', type: 'text', label: label('Decline reason', 'Причина отказа') },
      ],
    },
    moment('expiresAt', label('Reserved until', 'Резерв до'), { required: true }),
    moment('paidAt', label('Paid at', 'Оплачен')),
    moment('readyAt', label('Ready at', 'Собран'), { index: true }),
    moment('collectedAt', label('Collected at', 'Выдан')),
    moment('cancelledAt', label('Cancelled at', 'Отменён')),
    { name: 'cancelReason', type: 'text', label: label('Cancel reason', 'Причина отмены'), admin: { condition: (data) => Boolean(data?.cancelReason) } },
    {
      name: 'lines',
      type: 'join',
      collection: 'order-lines',
      on: 'order',
      label: label('Lines', 'Позиции'),
      admin: { allowCreate: false, defaultColumns: ['name', 'quantity', 'pickedQuantity', 'unitPrice', 'lineTotal'] },
    },
  ],
}
