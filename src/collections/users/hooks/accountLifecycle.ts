import type { CollectionAfterChangeHook, CollectionBeforeDeleteHook, CollectionBeforeLoginHook } from 'payload'

import { endSessionsOf, refuseDeletingShopPeople } from '../../../shop/accounts'
import { Forbidden } from '../../../shop/errors'

/** Staff, admins and anyone named in the stock ledger are deactivated, never deleted (409). */
export const keepShopPeople: CollectionBeforeDeleteHook = async ({ id, req }) => {
  await refuseDeletingShopPeople(req, id)
}

/** A deactivated account does not log in (checked after the password, so it tells a stranger nothing). */
export const refuseDeactivated: CollectionBeforeLoginHook = ({ user }) => {
  if ((user as { active?: boolean }).active === false) throw new Forbidden('This account is deactivated. Ask an admin.')
  return user
}

/** Deactivating an account ends its sessions in the same transaction: its tokens stop working at once. */
export const endSessionsOnDeactivation: CollectionAfterChangeHook = async ({ doc, previousDoc, operation, req }) => {
  if (operation === 'update' && previousDoc?.active !== false && doc.active === false) await endSessionsOf(req, doc.id)
  return doc
}
