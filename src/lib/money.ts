// Money is an integer number of minor units (kopecks). Quantities are bigint milli-units (see quantity.ts).

/** Price × quantity, rounded half up to a whole minor unit: 19990 × 0.3 kg = 5997. */
export function lineTotal(unitPrice: number, quantityMilli: bigint): number {
  if (!Number.isSafeInteger(unitPrice) || unitPrice < 0) throw new RangeError('price must be whole minor units')
  if (quantityMilli < 0n) throw new RangeError('quantity must not be negative')
  const total = (BigInt(unitPrice) * quantityMilli + 500n) / 1000n
  return toSafeNumber(total)
}

/**
 * What checkout holds on the card: the total plus `toleranceBp` (basis points: 1000 = 10 %) of the weighed
 * lines' total, rounded up to a whole minor unit, so a heavier pick is still covered: 39985 with 29985 of
 * weighed goods at 10 % holds 39985 + 2999 = 42984.
 */
export function holdFor(total: number, weighedTotal: number, toleranceBp: number): number {
  const extra = (BigInt(weighedTotal) * BigInt(toleranceBp) + 9_999n) / 10_000n
  return toSafeNumber(BigInt(total) + extra)
}

export function sumMinor(amounts: number[]): number {
  return toSafeNumber(amounts.reduce((acc, a) => acc + BigInt(a), 0n))
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('amount too large')
  return Number(value)
}
