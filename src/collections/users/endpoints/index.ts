// Routes under /api/users beside Payload's own (login, me, forgot-password …).
import { defineRoute } from '../../../api/route'
import { Forbidden } from '../../../shop/errors'

export const userRoutes = [
  /**
   * Payload's first-register creates the first account with access checks bypassed. On an empty production
   * database that would hand the shop to whoever calls first; admins come from `npm run create-admin`.
   */
  defineRoute({
    method: 'post',
    path: '/users/first-register',
    collection: 'users',
    tag: 'Accounts',
    who: 'public',
    summary: 'Switched off: admins are made with `npm run create-admin`',
    responses: { 403: { description: 'Always' } },
    handler: () => {
      throw new Forbidden('First-user registration is disabled. Create an admin with `npm run create-admin`.')
    },
  }),
]
