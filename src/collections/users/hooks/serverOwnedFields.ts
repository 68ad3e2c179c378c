import type { CollectionBeforeChangeHook } from 'payload'

/** Written only by the server: Payload's login keeps `sessions`, the database the timestamps. */
const SERVER_OWNED = ['sessions', 'createdAt', 'updatedAt'] as const

/**
 * Payload stores these as a client sends them on registration: its `sessions` field is closed to updates
 * but not to creation (`POST /api/users {"sessions":[{"id":"chosen","expiresAt":"2999-01-01"}]}` made an
 * account with a session of the client's choosing), and a client's `createdAt` was kept as sent. Through
 * the API they are dropped; server code (the Local API: seed, create-admin) may still set them. On an update
 * the account keeps the sessions it had: without them in the data, Payload would write the account back
 * with none, and an owner editing their profile would be logged out everywhere.
 */
export const dropServerOwnedFields: CollectionBeforeChangeHook = ({ data, operation, originalDoc, req }) => {
  if (req.payloadAPI === 'local') return data
  const kept = { ...(data as Record<string, unknown>) }
  for (const field of SERVER_OWNED) delete kept[field]
  if (operation === 'update' && originalDoc && 'sessions' in originalDoc) kept.sessions = originalDoc.sessions
  return kept
}
