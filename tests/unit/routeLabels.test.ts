// Request metrics are labelled by route, and the labels come from a fixed set: the config's route
// templates (the shop's own routes and Payload's, per collection), a few routes outside the API, and
// `unmatched` for everything else. Before, any path a client invented became a label of its own
// (`/api/zz1`, `/api/zz2`, …): one new series per request, without end.
import crypto from 'node:crypto'

import { beforeAll, describe, expect, it } from '@jest/globals'

import { buildShopConfig } from '../../src/config'
import { routeOf, routeTable, type RouteTable, UNMATCHED } from '../../src/metrics'

let table: RouteTable
let slugs: string[]
beforeAll(async () => {
  const config = await buildShopConfig({ databaseUrl: undefined })
  table = routeTable(config)
  slugs = config.collections.map((c) => c.slug)
})

const word = () => crypto.randomBytes(5).toString('hex')
const pick = <T>(items: T[]) => items[crypto.randomInt(items.length)]!

describe('route labels', () => {
  it.each([
    ['/api/users/me', '/api/users/me'], // a literal segment wins over `/:id`
    ['/api/users/17', '/api/users/:id'],
    ['/api/stock/low', '/api/stock/low'],
    ['/api/stock/3', '/api/stock/:id'],
    ['/api/products/access', '/api/products/access'], // `/access/:id?`: with and without the id
    ['/api/products/access/MILK', '/api/products/access/:id'],
    ['/api/products/', '/api/products'], // a trailing slash does not count, as for Payload
    ['/api/products', '/api/products'],
    ['/api/USERS/LOGIN', UNMATCHED], // Payload looks slugs up as they are written
    ['/api/users/LOGIN', '/api/users/login'], // and matches the rest without case
    ['/api/payload-preferences/nav', '/api/payload-preferences/:id'],
    ['/api/orders//qr', UNMATCHED], // an empty id is no id
    ['/api/openapi.json', '/api/openapi.json'],
    ['/api/', UNMATCHED],
    ['/api', UNMATCHED],
    ['/', '/'],
    ['/metrics', '/metrics'],
    ['/admin', '/admin'],
    ['/favicon.ico', UNMATCHED],
  ])('%s → %s', (path, route) => {
    expect(routeOf(path, table)).toBe(route)
  })

  it('globals are looked up under /api/globals/<slug>', () => {
    const withGlobal = routeTable({ collections: [], globals: [{ slug: 'settings', endpoints: [{ path: '/' }, { path: '/versions/:id' }] }], endpoints: [] })
    expect(routeOf('/api/globals/settings', withGlobal)).toBe('/api/globals/settings')
    expect(routeOf('/api/globals/settings/versions/4', withGlobal)).toBe('/api/globals/settings/versions/:id')
    expect(routeOf('/api/globals/other', withGlobal)).toBe(UNMATCHED)
  })

  it('stay within a fixed set whatever paths clients make up', () => {
    const makers = [
      () => `/api/zz${word()}`,
      () => `/api/products/x/y/z${word()}`,
      () => `/api/${pick(slugs)}/${word()}/${word()}`,
      () => `/api/${pick(slugs)}/${word()}/${pick(['qr', 'ready', 'versions', 'duplicate', word()])}/${word()}`,
      () => `/api/${pick(slugs)}/${pick(['versions', 'access', 'file', 'verify'])}/${word()}`,
      () => `/${word()}/${word()}`,
      () => `/api/globals/${word()}`,
      () => `/api/${encodeURIComponent(word() + '%/?')}`,
    ]
    const seen = new Set<string>()
    for (let i = 0; i < 5000; i++) seen.add(routeOf(pick(makers)(), table))
    expect(seen.has(UNMATCHED)).toBe(true)
    for (const label of seen) expect(table.labels).toContain(label)
    // A few hundred templates at most, known before any request.
    expect(table.labels.size).toBeLessThan(600)
  })
})
