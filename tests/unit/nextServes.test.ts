// SHOP_STOREFRONT=off: Next serves the admin panel and its assets, nothing else.
import { describe, expect, it } from '@jest/globals'

import { nextServes } from '../../src/http/app'

describe('what Next serves', () => {
  it('everything with the storefront; only the panel and its assets without it', () => {
    for (const path of ['/', '/cart', '/p/MILK', '/admin', '/_next/static/x.js']) expect(nextServes(path, true)).toBe(true)
    for (const path of ['/admin', '/admin/collections/orders', '/_next/static/x.js']) expect(nextServes(path, false)).toBe(true)
    for (const path of ['/', '/cart', '/p/MILK', '/reset-password', '/administrator', '/_nextx']) expect(nextServes(path, false)).toBe(false)
  })
})
