// The password policy as a pure function: length in characters, the common-password list, the account's
// own email local part and username.
import { describe, expect, it } from '@jest/globals'

import { brokenPasswordRule, passwordRuleMessage } from '../../src/shop/auth/passwordPolicy'
import { htmlToText } from '../../src/lib/html'

describe('password policy', () => {
  const account = { email: 'olga.k+shop@example.com', username: 'olgak' }
  it.each([
    ['', 'length'],
    ['elevenchars', 'length'],
    ['ёжик-в-тумане', null], // 13 characters, 24 bytes: characters count
    ['ёжик-в-туман', null], // 12
    ['ёжик-в-тума', 'length'], // 11
    ['x'.repeat(256), null],
    ['x'.repeat(257), 'length'],
    ['1qaz2wsx3edc', 'common'],
    ['1QAZ2WSX3EDC', 'common'],
    ['my olga.k password', 'identity'],
    ['MY OLGAK PASSWORD', 'identity'],
    ['olga is my name!', null], // a part of the local part is fine; the whole of it is not
    ['a long and unusual phrase', null],
  ])('%s → %s', (password, rule) => {
    expect(brokenPasswordRule(password, account)).toBe(rule)
  })

  it('ignores identity parts shorter than 3 characters', () => {
    expect(brokenPasswordRule('ab is my long pass', { email: 'ab@example.com' })).toBeNull()
  })

  it('names each rule in English and Russian', () => {
    for (const rule of ['length', 'common', 'identity'] as const) {
      expect(passwordRuleMessage(rule, 'en')).toMatch(/^[A-Z]/)
      expect(passwordRuleMessage(rule, 'ru')).toMatch(/[а-я]/)
    }
  })
})

describe('htmlToText (the plain-text part of emails)', () => {
  it('keeps paragraphs and links readable', () => {
    expect(htmlToText('<p>Hello &amp; welcome</p>\n<p><a href="https://x.example/r?t=1&amp;u=2">https://x.example/r?t=1&amp;u=2</a></p>')).toBe(
      'Hello & welcome\n\nhttps://x.example/r?t=1&u=2',
    )
    expect(htmlToText('<p><a href="https://x.example">the shop</a></p>')).toBe('the shop (https://x.example)')
  })
})
