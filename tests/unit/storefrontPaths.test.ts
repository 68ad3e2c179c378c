// Where the storefront sends a buyer after a form: this site's paths only.
import { describe, expect, it } from '@jest/globals'

import { localPath, refererPath, withParam } from '../../src/app/(storefront)/_lib/paths'

describe('storefront paths', () => {
  it('keeps paths of this site and refuses every way to another host', () => {
    expect(localPath('/cart')).toBe('/cart')
    expect(localPath('/?q=%D0%BC&page=2')).toBe('/?q=%D0%BC&page=2')
    expect(localPath('p/MILK')).toBe('/p/MILK')
    for (const hostile of ['https://evil.example/', '//evil.example', '/.//evil.example', '/%2e//evil.example', '/a/..//evil.example', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', 'http://storefront.local//evil.example']) {
      expect({ hostile, path: localPath(hostile) }).toEqual({ hostile, path: '/' })
    }
    expect(localPath(undefined, '/cart')).toBe('/cart')
  })

  it('takes a Referer only from this host', () => {
    expect(refererPath('http://localhost:3000/p/MILK?added=1', 'localhost:3000')).toBe('/p/MILK?added=1')
    expect(refererPath('https://evil.example/p/MILK', 'localhost:3000')).toBe('/')
    expect(refererPath('not a url', 'localhost:3000')).toBe('/')
    expect(refererPath('http://localhost:3000//evil.example', 'localhost:3000')).toBe('/')
  })

  it('sets and removes a query parameter', () => {
    expect(withParam('/?q=x&page=3', 'page', null)).toBe('/?q=x')
    expect(withParam('/p/MILK', 'added', 'MILK')).toBe('/p/MILK?added=MILK')
  })
})
