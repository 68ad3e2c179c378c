// What the assembly form shows before anything is sent: each line's picked quantity read and checked, and
// the new total as the buyer will pay it (each line's picked quantity × its price, rounded half up).
import type { AdminTranslationKeys } from '../../i18n/adminTranslations'
import { lineTotal } from '../../lib/money'
import { maxPick } from '../../lib/picking'
import { formatMilli, toMilli } from '../../lib/quantity'
import { fitsUnit, parseTypedQuantity } from '../../lib/units'

export type AssemblyLine = { id: number; product: string | { id: string }; name: string; unit: string; quantity: number; pickedQuantity: number | null; unitPrice: number }
export type LineProblem = { key: AdminTranslationKeys; max?: { quantity: number; unit: string } }

export const skuOf = (line: AssemblyLine) => (typeof line.product === 'object' ? line.product.id : line.product)

/** The picked quantity typed for `line` in thousandths, or what is wrong with it. */
export function readPick(line: AssemblyLine, typed: string, toleranceBp: number): { milli: bigint } | LineProblem {
  const value = parseTypedQuantity(typed)
  const milli = value === null ? null : toMilli(value)
  if (milli === null) return { key: 'shop:invalidQuantity' }
  if (!fitsUnit(line.unit, milli)) return { key: 'shop:wholePieces' }
  const max = maxPick(line.unit, toMilli(line.quantity)!, toleranceBp)
  if (milli > max) return { key: 'shop:maxPick', max: { quantity: Number(formatMilli(max)), unit: line.unit } }
  return { milli }
}

/** Every line read: the total of those that are fine, and the problems by SKU. */
export function assemblyPreview(lines: AssemblyLine[], picked: Record<string, string>, toleranceBp: number) {
  let total = 0
  const problems: Record<string, LineProblem> = {}
  for (const line of lines) {
    const read = readPick(line, picked[skuOf(line)] ?? '', toleranceBp)
    if ('milli' in read) total += lineTotal(line.unitPrice, read.milli)
    else problems[skuOf(line)] = read
  }
  return { total, problems }
}

/** The lines whose picked quantity differs from what was ordered: what the ready request sends. */
export const changedPicks = (lines: AssemblyLine[], picked: Record<string, string>) =>
  lines.map((l) => ({ sku: skuOf(l), quantity: parseTypedQuantity(picked[skuOf(l)] ?? '')! })).filter((p, i) => p.quantity !== lines[i]!.quantity)
