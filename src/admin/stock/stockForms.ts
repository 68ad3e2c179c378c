// The four stock operations of the panel as data: which inputs each form has, how its body is made, where it
// goes. One form component (./StockForm.tsx) renders them all.
import type { AdminTranslationKeys } from '../../i18n/adminTranslations'
import { toMilli } from '../../lib/quantity'
import { fitsUnit, parseTypedQuantity } from '../../lib/units'
import { WRITE_OFF_REASONS } from '../../shop/rules'

export type StockOperation = 'receive' | 'count' | 'write-off' | 'threshold'
export type StockInput = { name: string; label: AdminTranslationKeys; kind: 'quantity' | 'note' | 'reason'; allowZero?: boolean; emptyMeansNone?: boolean }
export type StockFormSpec = {
  operation: StockOperation
  title: AdminTranslationKeys
  button: AdminTranslationKeys
  help?: AdminTranslationKeys
  primary?: boolean
  inputs: StockInput[]
  /** The request body from the inputs' values (quantities already read as numbers, empty ones as null). */
  body: (values: Record<string, unknown>) => Record<string, unknown>
}

const note: StockInput = { name: 'note', label: 'shop:note', kind: 'note' }
const withNote = (values: Record<string, unknown>) => (values.note ? { note: values.note } : {})

export const STOCK_FORMS: StockFormSpec[] = [
  {
    operation: 'receive', title: 'shop:receive', button: 'shop:receiveButton', primary: true,
    inputs: [{ name: 'quantity', label: 'shop:quantity', kind: 'quantity' }, note],
    body: (v) => ({ quantity: v.quantity, ...withNote(v) }),
  },
  {
    operation: 'count', title: 'shop:count', button: 'shop:countButton', help: 'shop:countHelp',
    inputs: [{ name: 'onHand', label: 'shop:counted', kind: 'quantity', allowZero: true }, note],
    body: (v) => ({ onHand: v.onHand, ...withNote(v) }),
  },
  {
    operation: 'write-off', title: 'shop:writeOff', button: 'shop:writeOffButton',
    inputs: [{ name: 'quantity', label: 'shop:quantity', kind: 'quantity' }, { name: 'reason', label: 'shop:reason', kind: 'reason' }, note],
    body: (v) => ({ quantity: v.quantity, reason: v.reason || 'other', ...withNote(v) }),
  },
  {
    operation: 'threshold', title: 'shop:threshold', button: 'shop:thresholdButton', help: 'shop:thresholdHelp',
    inputs: [{ name: 'threshold', label: 'shop:lowStockThreshold', kind: 'quantity', allowZero: true, emptyMeansNone: true }],
    body: (v) => ({ lowStockThreshold: v.threshold }),
  },
]

export const REASON_LABELS = Object.fromEntries(
  WRITE_OFF_REASONS.map((reason) => [reason, `shop:reason${reason[0]!.toUpperCase()}${reason.slice(1)}` as AdminTranslationKeys]),
) as Record<(typeof WRITE_OFF_REASONS)[number], AdminTranslationKeys>

/** A typed quantity as a number, or the message key of what is wrong with it (`unit` null: not known yet). */
export function readQuantity(text: string, input: StockInput, unit: string | null): { value: number | null } | { error: AdminTranslationKeys } {
  if (text.trim() === '' && input.emptyMeansNone) return { value: null }
  const value = parseTypedQuantity(text.trim())
  if (value === null) return { error: 'shop:invalidQuantity' }
  if (!input.allowZero && value === 0) return { error: 'shop:positiveQuantity' }
  if (unit !== null && !fitsUnit(unit, toMilli(value)!)) return { error: 'shop:wholePieces' }
  return { value }
}

/** Where each operation goes: the threshold is a field of the row, the rest are operations on it. */
export const requestOf = (operation: StockOperation, id: string | number) =>
  operation === 'threshold' ? { path: `/stock/${id}` as const, method: 'PATCH' } : { path: `/stock/${id}/${operation}` as const, method: 'POST' }
