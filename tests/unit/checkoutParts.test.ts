// Pure parts of checkout: order numbers, pickup codes, the gateway timeout, durations from the env.
import { describe, expect, it } from '@jest/globals'

import { durationMs } from '../../src/env'
import { newOrderNumber, ORDER_NUMBER_ALPHABET, ORDER_NUMBER_PATTERN } from '../../src/lib/orderNumber'
import { callGateway, PaymentTimeout, withTimeout } from '../../src/payments/gateway'
import { isConflict } from '../../src/shop/errors'
import { basisPoints, durationMs as duration } from '../../src/env'
import { holdFor } from '../../src/lib/money'
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

describe('withTimeout (every gateway call)', () => {
  it('passes the answer through when it comes in time', async () => {
    await expect(withTimeout(async () => ({ status: 'approved', authorizationId: 'auth_1' }), 1000)).resolves.toEqual({
      status: 'approved',
      authorizationId: 'auth_1',
    })
  })

  it('gives up with PaymentTimeout, and aborts the call', async () => {
    let aborted = false
    const silent = (signal: AbortSignal) =>
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => ((aborted = true), reject(new Error('aborted')))))
    await expect(withTimeout(silent, 20)).rejects.toBeInstanceOf(PaymentTimeout)
    expect(aborted).toBe(true)
  })
})

describe('callGateway: an answer, or unknown (the settlement job asks later)', () => {
  it('passes an answer through, and turns a timeout or a broken connection into "unknown", saying why', async () => {
    const said: string[] = []
    const note = (err: Error) => void said.push(err.message)
    expect(await callGateway(async () => ({ status: 'captured' }), 1000, note)).toEqual({ status: 'captured' })
    expect(await callGateway(() => new Promise(() => {}), 20, note)).toBe('unknown')
    expect(await callGateway(async () => Promise.reject(new Error('ECONNRESET')), 1000, note)).toBe('unknown')
    expect(said).toEqual(['The payment gateway did not answer within 20 ms', 'ECONNRESET'])
  })

  it('isConflict: a 409 from a conditional step, and nothing else', () => {
    expect([isConflict({ status: 409 }), isConflict({ status: 404 }), isConflict(new Error('x')), isConflict(null)]).toEqual([true, false, false, false])
  })
})

describe('the hold at checkout (WEIGHT_TOLERANCE)', () => {
  it('is the total plus the tolerance of the weighed lines, rounded up: 1.5 kg at 199.90 + 2 pcs at 50.00 holds 42984', () => {
    // 1.5 × 19990 = 29985 weighed, 2 × 5000 = 10000 in pieces; 10 % of 29985 = 2998.5 → 2999.
    expect(holdFor(39985, 29985, 1000)).toBe(42984)
    expect(holdFor(10000, 0, 1000)).toBe(10000) // pieces only: exactly the total
    expect(holdFor(39985, 29985, 0)).toBe(39985)
    expect(holdFor(1, 1, 1)).toBe(2) // any fraction of a kopeck rounds up
  })

  it('reads WEIGHT_TOLERANCE as basis points, exactly', () => {
    expect(basisPoints('0.10')).toBe(1000)
    expect(basisPoints('0.1')).toBe(1000)
    expect(basisPoints('0.0125')).toBe(125)
    expect(basisPoints('1')).toBe(10_000)
    for (const bad of ['1.5', '-0.1', '0.12345', 'ten', '']) expect(basisPoints(bad)).toBeNull()
  })

  it('reads PICKUP_HOLD as days too', () => {
    expect(duration('3d')).toBe(3 * 86_400_000)
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
