import type { CollectionConfig } from 'payload'

import { can, fieldAtStore, fieldNobody, nobody, or, ownStoresInPanel, where } from '../../access'
import { label, labels } from '../../i18n/labels'
import { milliToNumber, toMilli } from '../../lib/quantity'
import { initialStockFitsUnit, MAX_STOCK_QUANTITY, recordInitialStock } from '../../shop/stock'
import { mustExist } from './mustExist'

/** Readable by those who manage stock at the row's pickup point; the public sees product, store and available. */
const readByManagers = fieldAtStore('stock.manage', (doc) => doc.store)
const managersOnly = { read: readByManagers, create: fieldNobody, update: fieldNobody }
/** The numbers in the list with the product's unit; in the form only where they can be typed (on creation). */
const CELL = '/admin/stock/StockQuantityCell#StockQuantityCell'
const typedOnCreation = { Cell: CELL, Field: '/admin/stock/StockNumberFields#OnlyWhenCreating' }
const shownInOperations = { Cell: CELL, Field: '/admin/stock/StockNumberFields#NotInForm' }

/** The row with `available = onHand − reserved`, exact (thousandths, no binary fractions). */
function withAvailable(doc: Record<string, unknown>) {
  if (doc.onHand === undefined || doc.reserved === undefined) return doc
  const onHand = toMilli(String(doc.onHand ?? '0'))
  const reserved = toMilli(String(doc.reserved ?? '0'))
  return onHand === null || reserved === null ? doc : { ...doc, available: milliToNumber(onHand - reserved) }
}

const quantityRule = (value: unknown) =>
  typeof value === 'number' && value >= 0 && value <= MAX_STOCK_QUANTITY && toMilli(value) !== null
    ? true
    : `A quantity from 0 to ${MAX_STOCK_QUANTITY}, with at most 3 decimals`

/**
 * How much of a product one pickup point holds, in the product's unit. One row per (product, store).
 * `onHand` is on the premises (goods set aside for orders included), `reserved` is held for orders not
 * handed over yet, `available = onHand − reserved` is what buyers can still order. The numbers change only
 * through the stock operations (src/shop/stock.ts: receive, count, write off; checkout, cancellation and
 * hand-over), each a conditional update with its movement in the same transaction, never through a
 * generic update (which would write back numbers read before a concurrent checkout changed them).
 */
export const Stock: CollectionConfig = {
  slug: 'stock',
  labels: labels(['Stock', 'Остаток'], ['Stock', 'Остатки']),
  admin: {
    defaultColumns: ['product', 'store', 'onHand', 'reserved', 'available', 'lowStockThreshold'],
    baseFilter: ownStoresInPanel('stock.manage', 'store'),
  },
  // Created here (with its `initial` movement); changed only through the stock operations; never deleted
  // (its movements are its history: a row no longer stocked is counted to 0).
  // The public (and buyers) read only what is on sale: active products at open pickup points.
  access: {
    read: or(can('catalogue.read'), where({ and: [{ 'product.active': { equals: true } }, { 'store.active': { equals: true } }] })),
    create: can('stock.manage'),
    update: nobody,
    delete: nobody,
  },
  indexes: [{ fields: ['product', 'store'], unique: true }],
  hooks: {
    // `available` for every reader, computed before field access hides onHand and reserved from the public;
    // and on the answer to a create, which Payload gives without a beforeRead (the same shape as a read).
    beforeRead: [({ doc }) => withAvailable(doc)],
    afterRead: [({ doc }) => (doc.available === undefined || doc.available === null ? withAvailable(doc) : doc)],
    beforeChange: [initialStockFitsUnit],
    afterChange: [recordInitialStock],
  },
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
      name: 'onHand',
      type: 'number',
      label: label('On hand', 'В наличии'),
      required: true,
      defaultValue: 0,
      access: { read: readByManagers, update: fieldNobody },
      validate: quantityRule,
      admin: { components: typedOnCreation },
    },
    {
      name: 'reserved',
      type: 'number',
      label: label('Reserved', 'В резерве'),
      required: true,
      defaultValue: 0,
      access: managersOnly,
      admin: { components: shownInOperations },
    },
    {
      name: 'available',
      type: 'number',
      virtual: true,
      label: label('Available', 'Доступно'),
      access: { create: fieldNobody, update: fieldNobody },
      admin: { readOnly: true, components: shownInOperations },
    },
    {
      name: 'lowStockThreshold',
      type: 'number',
      label: label('Low stock at', 'Мало, если не больше'),
      access: { read: readByManagers, update: fieldNobody },
      validate: (value: unknown) => (value === null || value === undefined ? true : quantityRule(value)),
      admin: { components: typedOnCreation },
    },
    {
      name: 'operations',
      type: 'ui',
      label: label('Stock operations', 'Операции с остатком'),
      admin: { disableListColumn: true, components: { Field: '/admin/stock/StockActions#StockActions' } },
    },
    {
      name: 'movements',
      type: 'join',
      collection: 'stock-movements',
      on: 'stock',
      label: label('Movements', 'Движения'),
      defaultSort: '-createdAt',
      defaultLimit: 20,
      access: { read: readByManagers },
      admin: { allowCreate: false, defaultColumns: ['createdAt', 'type', 'onHandDelta', 'reservedDelta', 'order', 'by', 'note'] },
    },
  ],
}
