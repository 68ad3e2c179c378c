// The storefront's proof of whose address a call is for.
import { describe, expect, it } from '@jest/globals'

import { forwardedClient, forwardingHeaders, forwardingKey } from '../../src/lib/forwardedClient'

describe('forwarded client address', () => {
  const secret = 'a'.repeat(64)
  it('takes the address only with the key of this secret, and only a valid address', () => {
    const headers = forwardingHeaders(secret, '203.0.113.7')
    for (const peer of ['127.0.0.1', '127.0.0.10', '::1', '::ffff:127.0.0.1']) {
      expect(forwardedClient(peer, headers['x-shop-forwarded-for'], headers['x-shop-forwarded-key'], secret)).toBe('203.0.113.7')
    }
    const key = forwardingKey(secret)
    // Not from this machine: even the right key names no address.
    for (const peer of ['10.0.0.5', '::ffff:10.0.0.5', '2001:db8::1', undefined]) expect(forwardedClient(peer, '203.0.113.7', key, secret)).toBeNull()
    expect(forwardedClient('127.0.0.1', '203.0.113.7', forwardingKey('b'.repeat(64)), secret)).toBeNull()
    expect(forwardedClient('127.0.0.1', '203.0.113.7', undefined, secret)).toBeNull()
    expect(forwardedClient('127.0.0.1', '203.0.113.7', key.slice(1), secret)).toBeNull()
    expect(forwardedClient('127.0.0.1', 'not an address', key, secret)).toBeNull()
    expect(forwardingHeaders(secret, 'nonsense')).toEqual({})
    expect(forwardingHeaders(secret, undefined)).toEqual({})
  })
})
