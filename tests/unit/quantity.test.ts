import { describe, expect, it } from '@jest/globals'

import { formatMilli, isMultipleOfStep, milliToNumber, toMilli } from '../../src/lib/quantity'

describe('quantities are exact decimals', () => {
  it('reads numbers and decimal strings into thousandths', () => {
    expect(toMilli(0.3)).toBe(300n)
    expect(toMilli(1)).toBe(1000n)
    expect(toMilli('12.300')).toBe(12300n)
    expect(toMilli('0.125')).toBe(125n)
    expect(toMilli(0)).toBe(0n)
  })

  it('refuses what is not a non-negative decimal with at most 3 places', () => {
    // eslint-disable-next-line no-loss-of-precision -- 1e309 is Infinity on purpose: a JSON number that overflowed
    for (const bad of [-1, 0.0001, 1e309, Number.NaN, Infinity, '1e3', '', ' ', 'abc', null, undefined, true, {}, '0x10', 0.1 + 0.2]) {
      expect(toMilli(bad)).toBeNull()
    }
  })

  it('adds 0.1 and 0.2 kg to exactly 0.3 kg', () => {
    const sum = toMilli(0.1)! + toMilli(0.2)!
    expect(formatMilli(sum)).toBe('0.3')
    expect(milliToNumber(sum)).toBe(0.3)
  })

  it('formats without trailing zeros, and negatives', () => {
    expect(formatMilli(5000n)).toBe('5')
    expect(formatMilli(5050n)).toBe('5.05')
    expect(formatMilli(-250n)).toBe('-0.25')
  })

  it('checks multiples of a step', () => {
    expect(isMultipleOfStep(toMilli(0.3)!, toMilli(0.1)!)).toBe(true)
    expect(isMultipleOfStep(toMilli(0.35)!, toMilli(0.1)!)).toBe(false)
    expect(isMultipleOfStep(toMilli(1.5)!, toMilli(1)!)).toBe(false)
    expect(isMultipleOfStep(toMilli(2)!, 0n)).toBe(false)
  })
})
