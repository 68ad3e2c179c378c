import type { CollectionConfig } from 'payload'

import { activeOr, can } from '../../access'
import { label, labels } from '../../i18n/labels'
import { refuseDeleteWhileReferenced } from '../../shop/references'

/** Our shops, which are also the pickup points a buyer chooses at checkout. */
export const Stores: CollectionConfig = {
  slug: 'stores',
  labels: labels(['Pickup point', 'Пункт выдачи'], ['Pickup points', 'Пункты выдачи']),
  admin: { useAsTitle: 'name', defaultColumns: ['id', 'name', 'address', 'active'] },
  access: {
    read: activeOr('catalogue.read'),
    create: can('stores.manage'),
    update: can('stores.manage'),
    delete: can('stores.manage'),
  },
  hooks: {
    beforeDelete: [refuseDeleteWhileReferenced('stores', [
      { collection: 'stock', field: 'store' },
      { collection: 'orders', field: 'pickupPoint' },
    ])],
  },
  fields: [
    { name: 'name', type: 'text', label: label('Name', 'Название'), required: true, maxLength: 200 },
    { name: 'address', type: 'text', label: label('Address', 'Адрес'), required: true, maxLength: 500 },
    {
      name: 'openingHours',
      type: 'text',
      label: label('Opening hours', 'Часы работы'),
      maxLength: 200,
    },
    {
      name: 'active',
      type: 'checkbox',
      label: label('Active', 'Работает'),
      defaultValue: true,
      index: true,
    },
  ],
}
