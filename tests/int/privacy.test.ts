// Admins never see a buyer's personal data: not in lists, details, depth, select, where or sort.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { createAdmin, registerBuyer, startTestShop, type Account, type TestShop } from '../helpers/shop'

let shop: TestShop
let admin: Account
let buyer: Account
const PERSONAL = { firstName: 'Анна', lastName: 'Иванова', phone: '+79161234567' }
const PRIVATE_FIELDS = ['firstName', 'lastName', 'phone', 'email'] as const

beforeAll(async () => {
  shop = await startTestShop()
  admin = await createAdmin(shop)
  buyer = await registerBuyer(shop, PERSONAL)
})
afterAll(async () => {
  await shop?.stop()
})

const expectNoPersonalData = (doc: Record<string, unknown>) => {
  for (const field of PRIVATE_FIELDS) expect(doc).not.toHaveProperty(field)
  expect(JSON.stringify(doc)).not.toContain('Анна')
  expect(JSON.stringify(doc)).not.toContain('9161234567')
}

describe('an admin reading buyers', () => {
  it('sees accounts in the list without name, phone or email', async () => {
    const res = await shop.api.get('/api/users?limit=100&depth=3', { token: admin.token })
    expect(res.status).toBe(200)
    const doc = res.body.docs.find((u: { id: number }) => u.id === buyer.id)
    expect(doc).toBeDefined()
    expect(doc.role).toBe('buyer')
    expectNoPersonalData(doc)
  })

  it('sees the detail without them, at any depth and with select', async () => {
    for (const query of ['', '?depth=10', '?select[phone]=true&select[firstName]=true&select[email]=true']) {
      const res = await shop.api.get(`/api/users/${buyer.id}${query}`, { token: admin.token })
      expect(res.status).toBe(200)
      expect(res.body.id).toBe(buyer.id)
      expectNoPersonalData(res.body)
    }
  })

  it('cannot use where on private fields as an oracle: right and wrong values answer the same', async () => {
    const cases = [
      ['phone', '%2B79161234567', '%2B79990000000'],
      ['firstName', encodeURIComponent('Анна'), 'Zzz'],
      ['lastName', encodeURIComponent('Иванова'), 'Zzz'],
      ['email', encodeURIComponent(buyer.email), 'nobody%40example.com'],
    ] as const
    for (const [field, right, wrong] of cases) {
      for (const op of ['equals', 'like', 'contains']) {
        const a = await shop.api.get(`/api/users?where[${field}][${op}]=${right}`, { token: admin.token })
        const b = await shop.api.get(`/api/users?where[${field}][${op}]=${wrong}`, { token: admin.token })
        expect(a.status).toBe(400)
        expect({ status: b.status, body: b.body }).toEqual({ status: a.status, body: a.body })
      }
      const nested = await shop.api.get(`/api/users?where[or][0][${field}][equals]=${right}`, { token: admin.token })
      expect(nested.status).toBe(400)
    }
  })

  it('cannot sort by private fields', async () => {
    for (const sort of ['phone', '-phone', 'firstName', '-lastName', 'email']) {
      const res = await shop.api.get(`/api/users?sort=${sort}`, { token: admin.token })
      expect(res.status).toBe(400)
    }
  })

  it('has no GraphQL to go around REST', async () => {
    const res = await shop.api.post('/api/graphql', { query: '{ Users { docs { phone firstName } } }' }, { token: admin.token })
    expect(res.status).toBe(404)
    expect(JSON.stringify(res.body)).not.toContain('9161234567')
  })
})

describe('the buyer', () => {
  it('sees and edits their own personal data', async () => {
    const me = await shop.api.get(`/api/users/${buyer.id}`, { token: buyer.token })
    expect(me.status).toBe(200)
    expect(me.body).toEqual(expect.objectContaining({ ...PERSONAL, email: buyer.email }))
    const edit = await shop.api.patch(`/api/users/${buyer.id}`, { phone: '+7 (916) 765-43-21' }, { token: buyer.token })
    expect(edit.status).toBe(200)
    expect(edit.body.doc.phone).toBe('+79167654321')
    const back = await shop.api.patch(`/api/users/${buyer.id}`, { phone: PERSONAL.phone }, { token: buyer.token })
    expect(back.status).toBe(200)
  })

  it('gets their own data back at login and from /me', async () => {
    const loginRes = await shop.api.post('/api/users/login', { email: buyer.email, password: buyer.password })
    expect(loginRes.body.user).toEqual(expect.objectContaining(PERSONAL))
    const me = await shop.api.get('/api/users/me', { token: buyer.token })
    expect(me.body.user).toEqual(expect.objectContaining(PERSONAL))
  })
})
