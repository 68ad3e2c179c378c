// The rules of assembly, on their own: what may be picked of each line and what it costs.
import { describe, expect, it } from '@jest/globals'

import { maxPick, PickRefused, pickLines } from '../../src/lib/picking'

const lines = [
  { sku: 'HAM', unit: 'kg', quantity: '1.5', unitPrice: 19990 },
  { sku: 'BUNS', unit: 'pcs', quantity: '2', unitPrice: 5000 },
]
const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    if (err instanceof PickRefused) return err.status
    throw err
  }
  return 'picked'
}

describe('picking', () => {
  it('prices the picked weight, rounded half up to the kopeck: 1.43 kg × 199.90 = 285.857 → 285.86', () => {
    const picked = pickLines(lines, [{ sku: 'HAM', quantity: 1.43 }], 1000)
    expect(picked.map((l) => [l.sku, l.pickedMilli, l.lineTotal])).toEqual([
      ['HAM', 1430n, 28586],
      ['BUNS', 2000n, 10000], // unlisted: as ordered
    ])
    expect(pickLines([{ sku: 'X', unit: 'kg', quantity: '1', unitPrice: 1 }], [{ sku: 'X', quantity: 0.5 }], 0)[0]!.lineTotal).toBe(1) // 0.5 → 1
  })

  it('allows weighed goods up to the tolerance, pieces up to the order', () => {
    expect(maxPick('kg', 1500n, 1000)).toBe(1650n)
    expect(maxPick('pcs', 2000n, 1000)).toBe(2000n)
    expect(refusal(() => pickLines(lines, [{ sku: 'HAM', quantity: 1.65 }], 1000))).toBe('picked')
    expect(refusal(() => pickLines(lines, [{ sku: 'HAM', quantity: 1.651 }], 1000))).toBe(409)
    expect(refusal(() => pickLines(lines, [{ sku: 'BUNS', quantity: 3 }], 1000))).toBe(409)
    expect(refusal(() => pickLines(lines, [{ sku: 'BUNS', quantity: 0 }], 1000))).toBe('picked')
  })

  it('refuses what does not fit the order: an unknown SKU, twice the same, a fraction of a piece, 4 decimals', () => {
    expect(refusal(() => pickLines(lines, [{ sku: 'MILK', quantity: 1 }], 1000))).toBe(400)
    expect(refusal(() => pickLines(lines, [{ sku: 'HAM', quantity: 1 }, { sku: 'HAM', quantity: 1 }], 1000))).toBe(400)
    expect(refusal(() => pickLines(lines, [{ sku: 'BUNS', quantity: 1.5 }], 1000))).toBe(400)
    expect(refusal(() => pickLines(lines, [{ sku: 'HAM', quantity: 1.4321 }], 1000))).toBe(400)
    expect(refusal(() => pickLines(lines, [{ sku: 'HAM', quantity: -1 }], 1000))).toBe(400)
  })
})
