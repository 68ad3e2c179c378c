// Who a signed-in request is, in one prepared statement: the account if it still exists and is active,
// what it may do (role and pickup points) and its sessions that have not expired. This is all any access
// rule, route or panel view reads from `req.user`; the account's personal data, its password hash and
// its reset token stay in the database (Payload's own check loaded all of them on every request).
import type { Payload } from 'payload'

import { run, statement } from '../../db/prepared'

type Row = { id: number; role: string | null; locale: string | null; stores: number[]; sessions: string[] }

const SESSION_USER = statement<Row>(
  'shop_session_user',
  `SELECT u.id, u.role::text AS role, u.locale::text AS locale,
          ARRAY(SELECT r.stores_id FROM users_rels r
                WHERE r.parent_id = u.id AND r.path = 'stores' AND r.stores_id IS NOT NULL ORDER BY r."order") AS stores,
          ARRAY(SELECT s.id FROM users_sessions s WHERE s._parent_id = u.id AND s.expires_at > now()) AS sessions
   FROM users u
   WHERE u.id = $1 AND u.active IS NOT FALSE`,
)

export type SessionUser = {
  id: number
  role: string | null
  locale: string | null
  stores: number[]
  active: true
  /** Only the ids of the sessions still valid: what Payload's token check compares the token's `sid` with. */
  sessions: Array<{ id: string }>
}

/** The account behind a verified token's id, or null when it is gone or deactivated. */
export async function sessionUser(payload: Payload, id: unknown): Promise<SessionUser | null> {
  const userId = Number(id)
  if (!Number.isSafeInteger(userId) || userId <= 0 || userId > 2_147_483_647) return null
  const { rows } = await run(payload, SESSION_USER, [userId])
  const row = rows[0]
  if (!row) return null
  return { id: row.id, role: row.role, locale: row.locale, stores: row.stores, active: true, sessions: row.sessions.map((sid) => ({ id: sid })) }
}
