// How the storefront writes a weighed line and an exact one.
import { describe, expect, it } from '@jest/globals'

import { lineSummary } from '../../src/app/(storefront)/_lib/format'

describe('storefront line summary', () => {
  it('marks weighed quantities and amounts as approximate, in the language’s format', () => {
    expect(lineSummary({ quantity: 1.5, unit: 'kg', lineTotal: 134985, weighed: true }, 'RUB', 'ru', '≈')).toBe('≈\u00a01,5\u00a0кг · ≈\u00a01\u00a0349,85\u00a0₽')
    expect(lineSummary({ quantity: 2, unit: 'pcs', lineTotal: 17980, weighed: false }, 'RUB', 'en', '≈')).toBe('2\u00a0pcs · ₽179.80')
  })
})
