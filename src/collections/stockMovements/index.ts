import type { CollectionConfig } from 'payload'

import { canAtStore, nobody } from '../../access'
import { roleCan } from '../../shop/roles'
import { label, labels } from '../../i18n/labels'
import { WRITE_OFF_REASONS, type WriteOffReason } from '../../shop/rules'

export const MOVEMENT_TYPES = ['initial', 'receipt', 'count', 'write_off', 'reservation', 'release', 'handout', 'correction'] as const
export type MovementType = (typeof MOVEMENT_TYPES)[number]


const TYPE_LABELS: Record<MovementType, { en: string; ru: string }> = {
  initial: label('Initial', 'Начальный остаток'),
  receipt: label('Delivery received', 'Приёмка'),
  count: label('Stocktake', 'Инвентаризация'),
  write_off: label('Write-off', 'Списание'),
  reservation: label('Reserved for an order', 'Резерв под заказ'),
  release: label('Reservation released', 'Резерв снят'),
  handout: label('Handed over', 'Выдано'),
  correction: label('Picked weight correction', 'Поправка по весу'),
}
const REASON_LABELS: Record<WriteOffReason, { en: string; ru: string }> = {
  damaged: label('Damaged', 'Повреждение'),
  expired: label('Expired', 'Истёк срок'),
  lost: label('Lost', 'Утеряно'),
  other: label('Other', 'Другое'),
}

/**
 * The stock ledger: every change of a stock row's onHand or reserved, written in the same transaction as
 * the change (src/shop/stock.ts). Per row, the deltas sum to its numbers (`npm run stock:verify`).
 * Append-only: nobody creates, changes or deletes movements through the API or the panel, and the database
 * refuses UPDATE and DELETE on the table.
 */
export const StockMovements: CollectionConfig = {
  slug: 'stock-movements',
  labels: labels(['Stock movement', 'Движение остатка'], ['Stock movements', 'Движения остатков']),
  admin: {
    defaultColumns: ['createdAt', 'type', 'product', 'store', 'onHandDelta', 'reservedDelta', 'order', 'by'],
    hidden: ({ user }) => !roleCan(user?.role, 'stock.manage'),
  },
  access: { read: canAtStore('stock.manage', 'store'), create: nobody, update: nobody, delete: nobody },
  defaultSort: '-createdAt',
  fields: [
    { name: 'stock', type: 'relationship', relationTo: 'stock', required: true, index: true, label: label('Stock row', 'Остаток') },
    { name: 'product', type: 'relationship', relationTo: 'products', required: true, index: true, label: label('Product', 'Товар') },
    { name: 'store', type: 'relationship', relationTo: 'stores', required: true, index: true, label: label('Pickup point', 'Пункт выдачи') },
    {
      name: 'type',
      type: 'select',
      required: true,
      index: true,
      label: label('Type', 'Тип'),
      options: MOVEMENT_TYPES.map((value) => ({ value, label: TYPE_LABELS[value] })),
    },
    { name: 'onHandDelta', type: 'number', required: true, defaultValue: 0, label: label('On hand ±', 'В наличии ±') },
    { name: 'reservedDelta', type: 'number', required: true, defaultValue: 0, label: label('Reserved ±', 'Резерв ±') },
    {
      name: 'reason',
      type: 'select',
      label: label('Write-off reason', 'Причина списания'),
      options: WRITE_OFF_REASONS.map((value) => ({ value, label: REASON_LABELS[value] })),
    },
    { name: 'order', type: 'relationship', relationTo: 'orders', index: true, label: label('Order', 'Заказ') },
    { name: 'by', type: 'relationship', relationTo: 'users', label: label('By', 'Кто') },
    { name: 'note', type: 'text', maxLength: 500, label: label('Note', 'Примечание') },
  ],
  timestamps: true,
}
