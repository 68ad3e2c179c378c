import { describe, expect, test } from '@jest/globals'

import { fitsUnit, formatMoney, formatQuantity, parseTypedQuantity, unitLabel } from '../../src/lib/units'

const nbsp = (s: string) => s.replace(/ /g, '\u00a0')

describe('amounts and quantities as the panel shows them', () => {
  test('money in the reader’s language, with the currency’s sign', () => {
    expect(formatMoney(47965, 'RUB', 'ru')).toBe(nbsp('479,65 ₽'))
    expect(formatMoney(47965, 'RUB', 'en')).toBe('₽479.65')
    expect(formatMoney(5, 'RUB', 'en')).toBe('₽0.05')
    expect(formatMoney(-1999, 'RUB', 'ru')).toBe(nbsp('-19,99 ₽'))
  })

  test('the largest exact amount keeps every digit, kopecks included', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'RUB', 'en')).toBe('₽90,071,992,547,409.91')
  })

  test('quantities with their unit, up to 3 decimals', () => {
    expect(formatQuantity(1.43, 'kg', 'ru')).toBe(nbsp('1,43 кг'))
    expect(formatQuantity(1.5, 'kg', 'en')).toBe(nbsp('1.5 kg'))
    expect(formatQuantity(2, 'pcs', 'ru')).toBe(nbsp('2 шт.'))
    expect(unitLabel('crate', 'en')).toBe('crate') // an unknown unit reads as itself
  })

  test('a typed quantity: comma or point, at most 3 decimals, never negative', () => {
    expect(parseTypedQuantity(' 1,43 ')).toBe(1.43)
    expect(parseTypedQuantity('1.430')).toBe(1.43)
    expect(parseTypedQuantity('0')).toBe(0)
    for (const bad of ['', '-1', '1.4321', '1,2,3', '1e3', 'abc', '0x10', '1 000']) expect(parseTypedQuantity(bad)).toBeNull()
  })
})

describe('pieces come in whole numbers (fitsUnit), wherever a quantity is taken', () => {
  test('a fraction of a piece is refused; weighed goods take thousandths', () => {
    expect([fitsUnit('pcs', 2000n), fitsUnit('pcs', 1500n), fitsUnit('pcs', 1n), fitsUnit('pcs', 0n)]).toEqual([true, false, false, true])
    expect([fitsUnit('kg', 1430n), fitsUnit('g', 1n), fitsUnit('l', 500n)]).toEqual([true, true, true])
  })
})
