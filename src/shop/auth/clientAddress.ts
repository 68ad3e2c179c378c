// Who a request comes from, as far as the limits of this folder count it: the address the Express front saw.
import net from 'node:net'

import type { PayloadRequest } from 'payload'

import { CLIENT_IP_HEADER } from '../../lib/forwardedClient'

/**
 * The client's address, as the Express front saw it on the socket (src/http/app.ts sets it and overwrites
 * whatever a client sent under this name). Requests that arrive without it (the in-process handler used by
 * tests, anything that bypasses Express) all share the key `unknown`, so the limit still applies to them.
 */
export { CLIENT_IP_HEADER } from '../../lib/forwardedClient'
export const UNKNOWN_CLIENT = 'unknown'

/**
 * The key a client is counted under: an IPv4 address as is (also when written IPv4-mapped, `::ffff:1.2.3.4`),
 * an IPv6 address by its /64 network (one subscriber usually holds a whole /64, so counting single IPv6
 * addresses would give one client 2^64 budgets), anything else `unknown`.
 */
export function clientKey(value: string | null | undefined): string {
  const address = (value ?? '').trim().replace(/%.*$/, '') // drop an IPv6 zone (fe80::1%eth0)
  if (net.isIPv4(address)) return address
  if (!net.isIPv6(address)) return UNKNOWN_CLIENT
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped && net.isIPv4(mapped[1]!)) return mapped[1]!
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) stands for two groups.
  const split = (part: string) => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])))
  const [head, tail] = address.split('::') as [string, string | undefined]
  const left = split(head)
  const right = tail === undefined ? [] : split(tail)
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return groups.map((g) => parseInt(g, 16).toString(16))
}

/** The key the request's client is counted under. */
export const clientOf = (req: PayloadRequest): string => clientKey(req.headers.get(CLIENT_IP_HEADER))
