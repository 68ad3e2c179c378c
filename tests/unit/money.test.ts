import { describe, expect, it } from '@jest/globals'

import { lineTotal, sumMinor } from '../../src/lib/money'
import { toMilli } from '../../src/lib/quantity'

describe('money in minor units', () => {
  it('prices weighed goods exactly: 0.3 kg at 199.90 is 59.97', () => {
    expect(lineTotal(19990, toMilli(0.3)!)).toBe(5997)
  })

  it('rounds each line half up to a whole kopeck', () => {
    expect(lineTotal(5, toMilli(0.1)!)).toBe(1) // 0.5 → 1
    expect(lineTotal(4, toMilli(0.1)!)).toBe(0) // 0.4 → 0
    expect(lineTotal(15, toMilli(0.1)!)).toBe(2) // 1.5 → 2
    expect(lineTotal(89900, toMilli(0.125)!)).toBe(11238) // 11237.5 → 11238
  })

  it('refuses prices that are not whole minor units', () => {
    expect(() => lineTotal(1.5, 1000n)).toThrow(RangeError)
    expect(() => lineTotal(-1, 1000n)).toThrow(RangeError)
  })

  it('sums without floating point and refuses unsafe totals', () => {
    expect(sumMinor([5997, 8990, 1])).toBe(14988)
    expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError)
  })
})
