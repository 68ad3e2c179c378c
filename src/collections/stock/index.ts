import type { CollectionConfig } from 'payload'

import { anyone, can } from '../../access'
import { label, labels } from '../../i18n/labels'
import { toMilli } from '../../lib/quantity'
import { collectionEndpoints } from '../../api/route'
import { stockRoutes } from './endpoints'
import { quantityFitsStep } from './hooks/quantityFitsStep'
import { mustExist } from './mustExist'

/** How much of a product one pickup point holds, in the product's unit. One row per (product, store). */
export const Stock: CollectionConfig = {
  slug: 'stock',
  labels: labels(['Stock', 'Остаток'], ['Stock', 'Остатки']),
  admin: { defaultColumns: ['product', 'store', 'quantity', 'updatedAt'] },
  access: { read: anyone, create: can('stock.manage'), update: can('stock.manage'), delete: can('stock.manage') },
  indexes: [{ fields: ['product', 'store'], unique: true }],
  endpoints: collectionEndpoints('stock', stockRoutes),
  hooks: { beforeChange: [quantityFitsStep] },
  fields: [
    {
      name: 'product',
      type: 'relationship',
      relationTo: 'products',
      label: label('Product', 'Товар'),
      required: true,
      validate: mustExist('products', 'Product'),
    },
    {
      name: 'store',
      type: 'relationship',
      relationTo: 'stores',
      label: label('Pickup point', 'Пункт выдачи'),
      required: true,
      validate: mustExist('stores', 'Pickup point'),
    },
    {
      name: 'quantity',
      type: 'number',
      label: label('Quantity', 'Количество'),
      required: true,
      defaultValue: 0,
      validate: (value: unknown) =>
        toMilli(value) !== null ? true : 'Quantity: 0 or more, with at most 3 decimals',
    },
  ],
}
