// The shop's own pages in the panel's navigation, for those who may use them (the pages check again).
import type { ServerProps } from 'payload'

import { roleCan } from '../../shop/roles'
import { ShopNavLinks } from './ShopNavLinks'

export function ShopNav({ user }: ServerProps) {
  const role = (user as { role?: string } | undefined)?.role
  const links = [
    ...(roleCan(role, 'orders.handOver') ? [{ path: '/pickup', key: 'shop:pickupDesk' as const }] : []),
    ...(roleCan(role, 'orders.assemble') ? [{ path: '/orders-queue', key: 'shop:ordersQueue' as const }] : []),
  ]
  return links.length ? <ShopNavLinks links={links} /> : null
}
