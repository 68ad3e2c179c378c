// Which requests count as cross-site forgeries (src/http/crossOrigin.ts), and CORS_ORIGINS's format.
import { spawnSync } from 'node:child_process'

import { describe, expect, it } from '@jest/globals'

import { originList } from '../../src/env'
import { crossSiteRefusal } from '../../src/http/crossOrigin'

const OWN = 'https://shop.example'
const allowed = [OWN, 'https://storefront.example']
const COOKIE = 'payload-token=abc'
const refused = (method: string, headers: Record<string, string>) => crossSiteRefusal(method, headers, allowed, 'payload-token') !== null

describe('crossSiteRefusal', () => {
  it.each([
    ['a foreign Origin', 'POST', { cookie: COOKIE, origin: 'https://evil.example' }, true],
    ['Origin: null (a sandboxed frame, a redirect)', 'POST', { cookie: COOKIE, origin: 'null' }, true],
    ['the same host on another port', 'DELETE', { cookie: COOKIE, origin: 'https://shop.example:8443' }, true],
    ['the shop’s own Origin', 'POST', { cookie: COOKIE, origin: OWN }, false],
    ['a listed storefront', 'PATCH', { cookie: COOKIE, origin: 'https://storefront.example' }, false],
    ['no Origin, Sec-Fetch-Site: cross-site', 'POST', { cookie: COOKIE, 'sec-fetch-site': 'cross-site' }, true],
    ['no Origin, Sec-Fetch-Site: same-site', 'POST', { cookie: COOKIE, 'sec-fetch-site': 'same-site' }, true],
    ['no Origin, Sec-Fetch-Site: same-origin', 'POST', { cookie: COOKIE, 'sec-fetch-site': 'same-origin' }, false],
    ['no Origin, Sec-Fetch-Site: none (typed in)', 'POST', { cookie: COOKIE, 'sec-fetch-site': 'none' }, false],
    ['only a foreign Referer', 'POST', { cookie: COOKIE, referer: 'https://evil.example/form.html' }, true],
    ['only a broken Referer', 'POST', { cookie: COOKIE, referer: 'not a url' }, true],
    ['only the shop’s own Referer', 'POST', { cookie: COOKIE, referer: `${OWN}/admin/collections/stores` }, false],
    ['a cookie, nothing else (not a browser; Payload does not use the cookie)', 'POST', { cookie: COOKIE }, false],
    ['a foreign Origin on GET (nothing changes; Payload does not use the cookie)', 'GET', { cookie: COOKIE, origin: 'https://evil.example' }, false],
    ['a foreign Origin on OPTIONS (a preflight carries no cookie anyway)', 'OPTIONS', { cookie: COOKIE, origin: 'https://evil.example' }, false],
    ['a foreign Origin with a Bearer token', 'POST', { cookie: COOKIE, origin: 'https://evil.example', authorization: 'Bearer x' }, false],
    ['a foreign Origin without the sign-in cookie', 'POST', { cookie: 'payload-lng=ru', origin: 'https://evil.example' }, false],
    ['the sign-in cookie among others', 'POST', { cookie: `payload-lng=ru; ${COOKIE}`, origin: 'https://evil.example' }, true],
  ])('%s (%s) → refused: %s', (_name, method, headers, expected) => {
    expect(refused(method as string, headers as Record<string, string>)).toBe(expected)
  })
})

describe('CORS_ORIGINS', () => {
  it('takes origins, normalised as browsers send them', () => {
    expect(originList('')).toEqual([])
    expect(originList(' https://Shop.Example , http://localhost:5173/,https://shop.example:443 ')).toEqual(['https://shop.example', 'http://localhost:5173'])
  })

  it.each(['*', 'shop.example', 'https://shop.example/path', 'https://shop.example?x=1', 'ftp://shop.example', 'https://user:pw@shop.example', 'https://shop.example, *'])(
    'refuses %s',
    (text) => {
      expect(originList(text)).toBeNull()
    },
  )
})

it('a bad CORS_ORIGINS stops the start, with its name', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', "await import('./src/env.ts')"], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', PAYLOAD_SECRET: 'x'.repeat(64), CORS_ORIGINS: 'https://shop.example, *' },
    encoding: 'utf8',
  })
  expect(run.status).not.toBe(0)
  expect(run.stderr).toMatch(/CORS_ORIGINS: a comma-separated list of origins/)
})
