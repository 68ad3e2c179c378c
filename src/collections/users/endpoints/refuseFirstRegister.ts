import type { Endpoint } from 'payload'

import { Forbidden } from '../../../shop/errors'

/**
 * Payload's first-register creates the first account with access checks bypassed. On an empty production
 * database that would hand the shop to whoever calls first; admins come from `npm run create-admin`.
 */
export const refuseFirstRegister: Endpoint = {
  path: '/first-register',
  method: 'post',
  handler: () => {
    throw new Forbidden('First-user registration is disabled. Create an admin with `npm run create-admin`.')
  },
}
