'use client'
import { Link, NavGroup, useConfig } from '@payloadcms/ui'
import { usePathname } from 'next/navigation'

import { useShopT } from '../client'

export function ShopNavLinks({ links }: { links: Array<{ path: string; key: 'shop:pickupDesk' | 'shop:ordersQueue' }> }) {
  const { config } = useConfig()
  const { t } = useShopT()
  const pathname = usePathname()
  return (
    <NavGroup label="100am shop">
      {links.map(({ path, key }) => {
        const href = `${config.routes.admin}${path}`
        return (
          <Link className="nav__link" href={href} id={`nav-shop${path.replace(/\W/g, '-')}`} key={path} prefetch={false}>
            {pathname === href && <div className="nav__link-indicator" />}
            <span className="nav__link-label">{t(key)}</span>
          </Link>
        )
      })}
    </NavGroup>
  )
}
