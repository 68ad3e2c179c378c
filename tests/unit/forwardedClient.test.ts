// The storefront's proof of whose address a call is for.
import { describe, expect, it } from '@jest/globals'

import { forwardedClient, forwardingHeaders, forwardingKey } from '../../src/lib/forwardedClient'

describe('forwarded client address', () => {
  const secret = 'a'.repeat(64)
  it('takes the address only with the key of this secret, and only a valid address', () => {
    const headers = forwardingHeaders(secret, '203.0.113.7')
    expect(forwardedClient(headers['x-shop-forwarded-for'], headers['x-shop-forwarded-key'], secret)).toBe('203.0.113.7')
    expect(forwardedClient('203.0.113.7', forwardingKey('b'.repeat(64)), secret)).toBeNull()
    expect(forwardedClient('203.0.113.7', undefined, secret)).toBeNull()
    expect(forwardedClient('203.0.113.7', forwardingKey(secret).slice(1), secret)).toBeNull()
    expect(forwardedClient('not an address', forwardingKey(secret), secret)).toBeNull()
    expect(forwardingHeaders(secret, 'nonsense')).toEqual({})
    expect(forwardingHeaders(secret, undefined)).toEqual({})
  })
})
