import { describe, expect, it } from '@jest/globals'

import { assertTransition, canTransition, ORDER_STATUSES, statusesLeadingTo } from '../../src/shop/orderStatus'

describe('order status transitions', () => {
  it('allow exactly the documented moves', () => {
    const allowed = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`))
    expect(allowed.sort()).toEqual(
      ['awaiting_payment→cancelled', 'awaiting_payment→paid', 'paid→cancelled', 'paid→ready', 'ready→cancelled', 'ready→collected'].sort(),
    )
  })

  it('refuse every other move with a 409', () => {
    expect(() => assertTransition('collected', 'paid')).toThrow(expect.objectContaining({ status: 409 }))
    expect(() => assertTransition('cancelled', 'paid')).toThrow(expect.objectContaining({ status: 409 }))
    expect(() => assertTransition('awaiting_payment', 'collected')).toThrow(expect.objectContaining({ status: 409 }))
    expect(() => assertTransition('paid', 'collected')).toThrow(expect.objectContaining({ status: 409 })) // not assembled
    expect(() => assertTransition('awaiting_payment', 'ready')).toThrow(expect.objectContaining({ status: 409 }))
    expect(() => assertTransition('paid', 'paid')).toThrow(expect.objectContaining({ status: 409 }))
    expect(() => assertTransition('awaiting_payment', 'paid')).not.toThrow()
  })

  it('give the statuses a conditional update must require', () => {
    expect(statusesLeadingTo('cancelled').sort()).toEqual(['awaiting_payment', 'paid', 'ready'])
    expect(statusesLeadingTo('collected')).toEqual(['ready'])
    expect(statusesLeadingTo('ready')).toEqual(['paid'])
    expect(statusesLeadingTo('awaiting_payment')).toEqual([])
  })
})
