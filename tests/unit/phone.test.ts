import { describe, expect, it } from '@jest/globals'

import { toE164 } from '../../src/lib/phone'

describe('phones in E.164', () => {
  it('normalises Russian numbers written the usual ways', () => {
    expect(toE164('+7 916 123-45-67')).toBe('+79161234567')
    expect(toE164('8 (916) 123-45-67')).toBe('+79161234567')
    expect(toE164('+79161234567')).toBe('+79161234567')
  })

  it('keeps foreign numbers with their country code', () => {
    expect(toE164('+44 20 7946 0958')).toBe('+442079460958')
  })

  it('refuses what is not a phone number', () => {
    for (const bad of ['12345', 'call me', '', '+7 000', 79161234567, null, '9'.repeat(40)]) {
      expect(toE164(bad)).toBeNull()
    }
  })
})
