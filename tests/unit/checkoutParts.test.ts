// Pure parts of checkout: order numbers, pickup codes, the gateway timeout, durations from the env.
import { describe, expect, it } from '@jest/globals'

import { durationMs } from '../../src/env'
import { newOrderNumber, ORDER_NUMBER_ALPHABET, ORDER_NUMBER_PATTERN } from '../../src/lib/orderNumber'
import { chargeWithTimeout, type PaymentGateway, PaymentTimeout } from '../../src/payments/gateway'
import { pickupCodeFor, verifyPickupCode } from '../../src/shop/pickupCode'

const SECRET = 'a test secret that is at least 32 characters long'

describe('order numbers', () => {
  it('are 4+4 symbols from an alphabet without look-alikes', () => {
    for (let i = 0; i < 1000; i++) expect(newOrderNumber()).toMatch(ORDER_NUMBER_PATTERN)
    expect(ORDER_NUMBER_ALPHABET).not.toMatch(/[01ILOU]/)
  })

  it('are random, not sequential: 10 000 in a row are all different and use every symbol', () => {
    const numbers = Array.from({ length: 10_000 }, newOrderNumber)
    expect(new Set(numbers).size).toBe(numbers.length)
    expect(new Set(numbers.join('').replace(/-/g, '')).size).toBe(ORDER_NUMBER_ALPHABET.length)
  })
})

describe('pickup codes', () => {
  it('verify to their order number', () => {
    expect(verifyPickupCode(pickupCodeFor('ABCD-2345', SECRET), SECRET)).toBe('ABCD-2345')
  })

  it('cannot be forged, altered or moved to another order', () => {
    const code = pickupCodeFor('ABCD-2345', SECRET)
    const [, signature] = code.split('.')
    expect(verifyPickupCode(pickupCodeFor('ABCD-2345', `${SECRET}!`), SECRET)).toBeNull()
    expect(verifyPickupCode(`ABCD-2346.${signature}`, SECRET)).toBeNull()
    expect(verifyPickupCode(`${code.slice(0, -1)}${code.endsWith('x') ? 'y' : 'x'}`, SECRET)).toBeNull()
    for (const bad of ['', 'ABCD-2345', `${code}.more`, `abcd-2345.${signature}`, `ABCD-2345.${signature}=`]) {
      expect(verifyPickupCode(bad, SECRET)).toBeNull()
    }
  })
})

describe('chargeWithTimeout', () => {
  const gateway = (answer: () => Promise<never> | Promise<{ status: 'approved'; chargeId: string }>): PaymentGateway => ({
    charge: answer,
    retrieve: async () => ({ status: 'not_found' }),
    refund: async () => ({ refundId: 're_1' }),
  })
  const request = { amount: 100, currency: 'RUB', token: 'tok_visa', idempotencyKey: 'k' }

  it('passes the answer through when it comes in time', async () => {
    await expect(chargeWithTimeout(gateway(async () => ({ status: 'approved', chargeId: 'ch_1' })), request, 1000)).resolves.toEqual({
      status: 'approved',
      chargeId: 'ch_1',
    })
  })

  it('gives up with PaymentTimeout, and aborts the call', async () => {
    let aborted = false
    const silent: PaymentGateway = {
      ...gateway(() => new Promise<never>(() => {})),
      charge: (_request, signal) =>
        new Promise<never>((_, reject) => signal.addEventListener('abort', () => ((aborted = true), reject(new Error('aborted'))))),
    }
    await expect(chargeWithTimeout(silent, request, 20)).rejects.toBeInstanceOf(PaymentTimeout)
    expect(aborted).toBe(true)
  })
})

describe('durationMs (RESERVATION_TTL)', () => {
  it.each([
    ['900', 900_000],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['250ms', 250],
  ])('%s → %i ms', (text, ms) => expect(durationMs(text)).toBe(ms))

  it.each(['', 'soon', '-5m', '1.5h', '15 minutes'])('%s is refused', (text) => expect(durationMs(text)).toBeNull())
})
