// What a clerk picked for an order, checked against what was ordered: the rules of assembly, pure (no
// database), so they can be tested on their own. Quantities are bigint thousandths (./quantity.ts).
import { lineTotal } from './money'
import { toMilli } from './quantity'
import { fitsUnit, isWeighed } from './units'

export type OrderedLine = { sku: string; unit: string; quantity: string; unitPrice: number }
export type PickedLine = { sku: string; orderedMilli: bigint; pickedMilli: bigint; unitPrice: number; lineTotal: number }

/** A pick that cannot be taken: `status` 400 (malformed for this order) or 409 (more than may be picked). */
export class PickRefused extends Error {
  constructor(
    readonly status: 400 | 409,
    message: string,
    readonly sku: string,
  ) {
    super(message)
  }
}

/** The most of a line that may be picked: pieces as ordered; weighed goods up to the tolerance more. */
export function maxPick(unit: string, orderedMilli: bigint, toleranceBp: number): bigint {
  return isWeighed(unit) ? (orderedMilli * BigInt(10_000 + toleranceBp)) / 10_000n : orderedMilli
}

/**
 * The picked quantity of every line: a listed line's quantity is what was picked, an unlisted one was
 * picked as ordered. Each line's total is picked × unit price, rounded half up to the minor unit.
 * Pieces: a whole number from 0 to the ordered quantity. Weighed: from 0 to ordered × (1 + tolerance), at
 * most 3 decimals (a scale's reading, not the product's step).
 */
export function pickLines(lines: OrderedLine[], picks: Array<{ sku: string; quantity: number }>, toleranceBp: number): PickedLine[] {
  const bySku = new Map(lines.map((l) => [l.sku, l]))
  const listed = new Map<string, bigint>()
  for (const pick of picks) {
    const line = bySku.get(pick.sku)
    if (!line) throw new PickRefused(400, `${pick.sku} is not in this order`, pick.sku)
    if (listed.has(pick.sku)) throw new PickRefused(400, `${pick.sku} is listed twice`, pick.sku)
    const milli = toMilli(pick.quantity)
    if (milli === null) throw new PickRefused(400, `${pick.sku}: a quantity from 0 with at most 3 decimals`, pick.sku)
    if (!fitsUnit(line.unit, milli)) throw new PickRefused(400, `${pick.sku}: pieces come in whole numbers`, pick.sku)
    listed.set(pick.sku, milli)
  }
  return lines.map((line) => {
    const orderedMilli = toMilli(line.quantity)!
    const pickedMilli = listed.get(line.sku) ?? orderedMilli
    const max = maxPick(line.unit, orderedMilli, toleranceBp)
    if (pickedMilli > max) {
      const limit = line.unit === 'pcs' ? 'no more pieces than ordered' : 'no more than the weighing tolerance allows'
      throw new PickRefused(409, `${line.sku}: ${limit} (at most ${Number(max) / 1000} ${line.unit})`, line.sku)
    }
    return { sku: line.sku, orderedMilli, pickedMilli, unitPrice: line.unitPrice, lineTotal: lineTotal(line.unitPrice, pickedMilli) }
  })
}
