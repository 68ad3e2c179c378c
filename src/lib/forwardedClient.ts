// The storefront's server calls the API on a buyer's behalf, so every call comes from its own address. It
// says whose address a call is for, proven by a key derived from the shop's secret: the per-address limits
// (AUTH_RATE_LIMIT, the login throttle) then count buyers, not the storefront. A client that does not know
// the secret cannot name an address of its own choosing.
import crypto from 'node:crypto'
import net from 'node:net'

/** The client's address as the Express front saw it, on every request it hands on (to Payload, to Next). */
export const CLIENT_IP_HEADER = 'x-shop-client-ip'
export const FORWARDED_FOR_HEADER = 'x-shop-forwarded-for'
export const FORWARDED_KEY_HEADER = 'x-shop-forwarded-key'

export const forwardingKey = (secret: string) => crypto.createHmac('sha256', secret).update('100am storefront: the buyer’s address').digest('base64url')

/** The headers the storefront's server sends with a call made for a buyer at `address`. */
export const forwardingHeaders = (secret: string, address: string | null | undefined): Record<string, string> =>
  address && net.isIP(address) ? { [FORWARDED_FOR_HEADER]: address, [FORWARDED_KEY_HEADER]: forwardingKey(secret) } : {}

/** Whether a socket peer is this machine (the storefront calls the API on loopback). */
export const isLoopback = (peer: string | undefined) => /^(127\.|::1$|::ffff:127\.)/.test(peer ?? '')

/**
 * The address a call is made for, when it comes from this machine with the right key and a valid address;
 * else null. Only from loopback: a key that leaked still names no address from anywhere else.
 */
export function forwardedClient(peer: string | undefined, forwardedFor: string | undefined, key: string | undefined, secret: string): string | null {
  if (!isLoopback(peer) || !forwardedFor || !key || !net.isIP(forwardedFor)) return null
  const expected = Buffer.from(forwardingKey(secret))
  const given = Buffer.from(key)
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? forwardedFor : null
}
