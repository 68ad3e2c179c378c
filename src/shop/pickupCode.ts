// The pickup code a buyer shows in the shop (as a QR code): the order number plus an HMAC of it under the
// server secret, so a code cannot be made up or altered without the secret.
import crypto from 'node:crypto'

import { env } from '../env'
import { ORDER_NUMBER_PATTERN } from '../lib/orderNumber'
import { qrPng } from '../lib/qrPng'

// A key of its own, derived from the secret, so a pickup signature is never valid as anything else.
const keys = new Map<string, Buffer>()
const key = (secret: string) => {
  let derived = keys.get(secret)
  if (!derived) keys.set(secret, (derived = crypto.createHmac('sha256', secret).update('100am-shop pickup code v1').digest()))
  return derived
}

const signature = (orderNumber: string, secret: string) =>
  crypto.createHmac('sha256', key(secret)).update(orderNumber).digest('base64url').slice(0, 22)

export function pickupCodeFor(orderNumber: string, secret = env.secret): string {
  return `${orderNumber}.${signature(orderNumber, secret)}`
}

/** The order number a code stands for, or null when the code was not made with our secret. */
export function verifyPickupCode(code: string, secret = env.secret): string | null {
  const [orderNumber, given, ...rest] = code.split('.')
  if (rest.length > 0 || !orderNumber || !given || !ORDER_NUMBER_PATTERN.test(orderNumber)) return null
  const expected = Buffer.from(signature(orderNumber, secret))
  const actual = Buffer.from(given)
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected) ? orderNumber : null
}

/** A PNG of the QR code whose content is exactly the pickup code. */
export const pickupQrPng = (code: string): Buffer => qrPng(code, { errorCorrectionLevel: 'M', margin: 2, scale: 6 })

export const pickupQrDataUrl = (code: string) => `data:image/png;base64,${pickupQrPng(code).toString('base64')}`
