import { beforeAll, describe, expect, it } from '@jest/globals'

import { buildShopConfig } from '../../src/config'
import { routeOf, routeTable, type RouteTable, UNMATCHED } from '../../src/metrics'

let table: RouteTable
beforeAll(async () => {
  // The shop's real routes: its config, as the server builds it (no database is opened).
  table = routeTable(await buildShopConfig({ databaseUrl: undefined }))
})

describe('routeOf: the route a request is counted under', () => {
  it.each([
    ['/api/checkout', '/api/checkout'],
    ['/api/cart/items/MILK-32-1L', '/api/cart/items/:id'],
    ['/api/orders/17/ready', '/api/orders/:id/ready'],
    ['/api/orders/17', '/api/orders/:id'],
    ['/api/stock/3/write-off', '/api/stock/:id/write-off'],
    ['/api/users/login', '/api/users/login'],
    ['/api/media/file/photo-1.png', '/api/media/file/:id'],
    ['/api/products/a/b/c/d/e/f', UNMATCHED],
    ['/api/%00evil', UNMATCHED],
    ['/admin/collections/orders/5', '/admin'],
    ['/_next/static/chunk.js', '/admin'],
    ['/healthz', '/healthz'],
    ['/wp-login.php', UNMATCHED],
  ])('%s → %s', (path, route) => {
    expect(routeOf(path, table)).toBe(route)
  })
})
