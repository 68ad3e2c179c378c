import type { CollectionConfig } from 'payload'

import { activeOr, can, fieldNobody } from '../../access'
import { env } from '../../env'
import { label, labels } from '../../i18n/labels'
import { toMilli } from '../../lib/quantity'
import { fitsUnit, type Unit } from '../../lib/units'
import { forgetCatalogueTotals } from '../../shop/catalogueCount'
import { refuseDeleteWhileReferenced } from '../../shop/references'
import { MAX_PRICE, SKU_PATTERN } from '../../shop/rules'

export { UNITS, type Unit } from '../../lib/units'

/** Letters, digits, "-" and "_", 1-64 characters, case-sensitive. */

const defaultStep: Record<Unit, number> = { pcs: 1, g: 1, kg: 0.1, l: 0.1, m: 0.1 }

export const Products: CollectionConfig = {
  slug: 'products',
  labels: labels(['Product', 'Товар'], ['Products', 'Товары']),
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['id', 'name', 'price', 'unit', 'quantityStep', 'active'],
  },
  // Duplicating would need a new SKU, and the SKU is the primary key.
  disableDuplicate: true,
  access: {
    read: activeOr('catalogue.read'),
    create: can('catalogue.manage'),
    update: can('catalogue.manage'),
    delete: can('catalogue.manage'),
  },
  hooks: {
    beforeValidate: [
      ({ data, operation }) => {
        if (operation === 'create' && data && (data.quantityStep === undefined || data.quantityStep === null)) {
          const unit = (data.unit ?? 'pcs') as Unit
          return { ...data, quantityStep: defaultStep[unit] ?? 1 }
        }
        return data
      },
    ],
    // The catalogue's list totals are kept a moment (src/shop/catalogueCount.ts): a change counts afresh.
    afterChange: [({ req }) => forgetCatalogueTotals(req.payload)],
    afterDelete: [({ req }) => forgetCatalogueTotals(req.payload)],
    beforeDelete: [refuseDeleteWhileReferenced('products', [
      { collection: 'stock', field: 'product' },
      { collection: 'order-lines', field: 'product' },
    ])],
  },
  fields: [
    {
      name: 'id',
      type: 'text',
      label: label('SKU', 'Артикул'),
      required: true,
      // The primary key: fixed once the product exists.
      access: { update: fieldNobody },
      admin: { description: label('Letters, digits, - and _; cannot be changed later.', 'Буквы, цифры, - и _; изменить потом нельзя.') },
      validate: (value: unknown) =>
        typeof value === 'string' && SKU_PATTERN.test(value)
          ? true
          : 'SKU: 1-64 letters, digits, "-" or "_"',
    },
    { name: 'name', type: 'text', label: label('Name', 'Название'), required: true, maxLength: 200 },
    {
      name: 'price',
      type: 'number',
      label: label('Price (minor units)', 'Цена (в копейках)'),
      required: true,
      admin: { description: label('In kopecks: 19990 is 199.90 ₽', 'В копейках: 19990 — это 199,90 ₽') },
      validate: (value: unknown) =>
        typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_PRICE
          ? true
          : 'Price: a whole number of minor units (kopecks), 0 or more',
    },
    {
      name: 'unit',
      type: 'select',
      label: label('Unit', 'Единица'),
      required: true,
      defaultValue: 'pcs',
      options: [
        { label: label('pieces', 'шт.'), value: 'pcs' },
        { label: label('kilograms', 'кг'), value: 'kg' },
        { label: label('grams', 'г'), value: 'g' },
        { label: label('litres', 'л'), value: 'l' },
        { label: label('metres', 'м'), value: 'm' },
      ],
    },
    {
      name: 'quantityStep',
      type: 'number',
      label: label('Quantity step', 'Шаг количества'),
      required: true,
      admin: {
        description: label(
          'The smallest amount a buyer can order, and its increment (1 for pieces, e.g. 0.1 for kg).',
          'Минимальное количество для заказа и шаг (1 для штук, например 0,1 для кг).',
        ),
      },
      validate: (value: unknown, { siblingData }: { siblingData: Record<string, unknown> }) => {
        const step = toMilli(value)
        if (step === null || step === 0n) return 'Quantity step: a positive number with at most 3 decimals'
        if (typeof siblingData?.unit === 'string' && !fitsUnit(siblingData.unit, step)) return 'Quantity step: pieces come in whole numbers'
        return true
      },
    },
    { name: 'photo', type: 'upload', relationTo: 'media', label: label('Photo', 'Фото') },
    { name: 'description', type: 'richText', label: label('Description', 'Описание') },
    {
      name: 'active',
      type: 'checkbox',
      label: label('On sale', 'В продаже'),
      defaultValue: true,
      index: true,
    },
    {
      // Not stored: the shop has one currency, set by SHOP_CURRENCY.
      name: 'currency',
      type: 'text',
      virtual: true,
      label: label('Currency', 'Валюта'),
      admin: { readOnly: true, hidden: true },
      access: { create: fieldNobody, update: fieldNobody },
      hooks: { afterRead: [() => env.currency] },
    },
  ],
}
