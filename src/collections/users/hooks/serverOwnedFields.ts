import type { CollectionBeforeChangeHook } from 'payload'

/** Written only by the server: Payload's login keeps `sessions`, the database the timestamps. */
const SERVER_OWNED = ['sessions', 'createdAt', 'updatedAt'] as const

/**
 * Payload stores these as a client sends them on registration: its `sessions` field is closed to updates
 * but not to creation (`POST /api/users {"sessions":[{"id":"chosen","expiresAt":"2999-01-01"}]}` made an
 * account with a session of the client's choosing), and a client's `createdAt` was kept as sent. Through
 * the API they are dropped; server code (the Local API: seed, create-admin) may still set them. Payload's
 * own session bookkeeping writes with `db.updateOne` and never passes through here.
 */
export const dropServerOwnedFields: CollectionBeforeChangeHook = ({ data, req }) => {
  if (req.payloadAPI === 'local') return data
  const kept = { ...(data as Record<string, unknown>) }
  for (const field of SERVER_OWNED) delete kept[field]
  return kept
}
