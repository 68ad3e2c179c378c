// Quantities are exact decimals with at most three places (a gram of a kilogram, a millilitre of a litre).
// They travel as bigint thousandths ("milli-units") so that 0.1 + 0.2 is 0.3, never 0.30000000000000004.

export const QUANTITY_DECIMALS = 3
const SCALE = 1000n
const DECIMAL = /^(\d+)(?:\.(\d+))?$/

/**
 * Parses a quantity (a JSON number or a decimal string such as PostgreSQL's numeric) into milli-units.
 * Returns null when it is not a finite, non-negative decimal with at most three places.
 */
export function toMilli(value: unknown): bigint | null {
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null
    // String() gives the shortest decimal that reads back as this double: 0.3 → "0.3".
    text = String(value)
  } else if (typeof value === 'string') {
    text = value.trim()
  } else {
    return null
  }
  const m = DECIMAL.exec(text)
  if (!m) return null
  const whole = m[1]!
  const fraction = (m[2] ?? '').replace(/0+$/, '')
  if (fraction.length > QUANTITY_DECIMALS) return null
  return BigInt(whole) * SCALE + BigInt(fraction.padEnd(QUANTITY_DECIMALS, '0'))
}

/** "12.3" for 12300n: the exact decimal, no trailing zeros. */
export function formatMilli(milli: bigint): string {
  const negative = milli < 0n
  const abs = negative ? -milli : milli
  const whole = abs / SCALE
  const fraction = (abs % SCALE).toString().padStart(QUANTITY_DECIMALS, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`
}

/** The JSON number for a quantity; the shortest double for a ≤3-place decimal prints back as that decimal. */
export function milliToNumber(milli: bigint): number {
  return Number(formatMilli(milli))
}

export function isMultipleOfStep(quantity: bigint, step: bigint): boolean {
  return step > 0n && quantity % step === 0n
}
