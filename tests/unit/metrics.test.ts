import { describe, expect, it } from '@jest/globals'

import { routeOf } from '../../src/metrics'

describe('routeOf: the route a request is counted under', () => {
  it.each([
    ['/api/checkout', '/api/checkout'],
    ['/api/cart/items/MILK-32-1L', '/api/cart/items/:id'],
    ['/api/orders/17/ready', '/api/orders/:id/ready'],
    ['/api/orders/17', '/api/orders/:id'],
    ['/api/stock/3/write-off', '/api/stock/:id/write-off'],
    ['/api/users/login', '/api/users/login'],
    ['/api/media/file/photo-1.png', '/api/media/file/:id'],
    ['/api/products/a/b/c/d/e/f', '/api/products/:id/:id/:id'],
    ['/api/%00evil', '/api/:unknown'],
    ['/admin/collections/orders/5', '/admin'],
    ['/_next/static/chunk.js', '/admin'],
    ['/healthz', '/healthz'],
    ['/wp-login.php', 'other'],
  ])('%s → %s', (path, route) => {
    expect(routeOf(path)).toBe(route)
  })
})
