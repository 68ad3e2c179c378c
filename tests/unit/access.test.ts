// The small access rules the collections and routes are made of, and the role table.
import { describe, expect, it } from '@jest/globals'
import type { Access, PayloadRequest } from 'payload'

import { and, can, canAtStore, or, ownerOf, ownStoresInPanel, where } from '../../src/access'
import { CAPABILITIES, roleCan, ROLES, storesWhere } from '../../src/shop/roles'

const as = (user: Record<string, unknown> | null) => ({ req: { user: user && { collection: 'users', ...user } } as unknown as PayloadRequest })
const buyer = as({ id: 7, role: 'buyer' })
const admin = as({ id: 1, role: 'admin' })
const nobodyThere = as(null)
const run = (rule: Access, args: ReturnType<typeof as>) => rule(args as Parameters<Access>[0])

describe('roles', () => {
  it('admins hold every capability, buyers none, unknown roles none', () => {
    expect(ROLES).toEqual(['buyer', 'staff', 'admin'])
    for (const capability of CAPABILITIES) {
      expect(roleCan('admin', capability)).toBe(true)
      expect(roleCan('buyer', capability)).toBe(false)
      expect(roleCan('root', capability)).toBe(false)
      expect(roleCan(undefined, capability)).toBe(false)
    }
  })

  it('staff hold the shop-floor capabilities at their own pickup points only, and nothing of the back office', () => {
    const clerk = { role: 'staff', stores: [3, { id: 5 }] }
    expect(storesWhere(clerk, 'orders.assemble')).toEqual([3, 5])
    expect(storesWhere(clerk, 'stock.manage')).toEqual([3, 5])
    expect(storesWhere(clerk, 'panel.use')).toBe('all')
    for (const capability of ['catalogue.manage', 'stores.manage', 'users.manage', 'carts.manage', 'jobs.run'] as const) {
      expect(storesWhere(clerk, capability)).toBeNull()
    }
    expect(storesWhere({ role: 'admin' }, 'orders.assemble')).toBe('all')
    expect(storesWhere({ role: 'staff' }, 'orders.read')).toEqual([]) // staff with no store: nothing
  })
})

describe('access rules', () => {
  it("ownStoresInPanel: a clerk's lists start at their own pickup points; admins and the public see everything", () => {
    const rule = ownStoresInPanel('stock.manage', 'store')
    expect(rule(as({ id: 4, role: 'staff', stores: [3, 5] }))).toEqual({ store: { in: [3, 5] } })
    expect(rule(as({ id: 4, role: 'staff', stores: [] }))).toEqual({ id: { exists: false } })
    expect(rule(admin)).toBeNull()
    expect(rule(buyer)).toBeNull()
    expect(rule(nobodyThere)).toBeNull()
  })

  it('can: yes for a role that holds the capability, no otherwise and for anonymous callers', () => {
    expect(run(can('orders.read'), admin)).toBe(true)
    expect(run(can('orders.read'), buyer)).toBe(false)
    expect(run(can('orders.read'), nobodyThere)).toBe(false)
    // A user of another collection (Payload allows several auth collections) is nobody here.
    expect(run(can('orders.read'), { req: { user: { id: 1, role: 'admin', collection: 'other' } } as unknown as PayloadRequest })).toBe(false)
  })

  it('canAtStore: everything for admins, their stores for staff, nothing for buyers', () => {
    const clerk = as({ id: 9, role: 'staff', stores: [2] })
    expect(run(canAtStore('orders.read', 'pickupPoint'), admin)).toBe(true)
    expect(run(canAtStore('orders.read', 'pickupPoint'), clerk)).toEqual({ pickupPoint: { in: [2] } })
    expect(run(canAtStore('orders.read', 'pickupPoint'), buyer)).toBe(false)
    expect(run(can('orders.read'), clerk)).toBe(false) // `can` is the whole shop
  })

  it('ownerOf: a condition on the owner field, nothing for anonymous callers', () => {
    expect(run(ownerOf('buyer'), buyer)).toEqual({ buyer: { equals: 7 } })
    expect(run(ownerOf('buyer'), nobodyThere)).toBe(false)
  })

  it('or: true wins, conditions are OR-ed, false when none allows', async () => {
    const rule = or(can('orders.read'), ownerOf('buyer'))
    expect(await run(rule, admin)).toBe(true)
    expect(await run(rule, buyer)).toEqual({ buyer: { equals: 7 } })
    expect(await run(rule, nobodyThere)).toBe(false)
    expect(await run(or(ownerOf('buyer'), where({ active: { equals: true } })), buyer)).toEqual({
      or: [{ buyer: { equals: 7 } }, { active: { equals: true } }],
    })
  })

  it('and: false wins, conditions are AND-ed, true when all allow without conditions', async () => {
    expect(await run(and(can('orders.read'), ownerOf('buyer')), buyer)).toBe(false)
    expect(await run(and(can('orders.read'), ownerOf('buyer')), admin)).toEqual({ buyer: { equals: 1 } })
    expect(await run(and(ownerOf('buyer'), where({ active: { equals: true } })), buyer)).toEqual({
      and: [{ buyer: { equals: 7 } }, { active: { equals: true } }],
    })
    expect(await run(and(can('orders.read'), can('orders.cancel')), admin)).toBe(true)
  })
})
