// What the panel's own views share: who may open them, and the pickup points they work with.
import type { PayloadRequest } from 'payload'
import { redirect } from 'next/navigation'

import type { ShopUser } from '../shop/roles'
import { type Capability, roleCan } from '../shop/roles'

/**
 * Payload lets anyone reach a custom view (it skips its login and panel-access checks for them): the view
 * sends a visitor to the login, and anyone without `capability` to "unauthorized".
 */
export function guardView(req: PayloadRequest, capability: Capability, path: string): ShopUser {
  const admin = req.payload.config.routes.admin
  const user = req.user as ShopUser | null
  if (!user) redirect(`${admin}/login?redirect=${encodeURIComponent(`${admin}${path}`)}`)
  if (!roleCan(user.role, 'panel.use') || !roleCan(user.role, capability)) redirect(`${admin}/unauthorized`)
  return user
}

/** The pickup points a view works with: the user's own (staff), or every open one (admins). */
export async function allowedStores(req: PayloadRequest, reach: 'all' | number[]) {
  const { docs } = await req.payload.find({
    collection: 'stores',
    where: reach === 'all' ? { active: { equals: true } } : { id: { in: reach } },
    depth: 0,
    limit: 200,
    sort: 'name',
    select: { name: true },
    overrideAccess: false,
    req,
  })
  return docs.map((s) => ({ id: s.id as number, name: String((s as { name?: string }).name ?? s.id) }))
}
