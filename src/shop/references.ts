import type { CollectionBeforeDeleteHook, CollectionSlug } from 'payload'

import { Conflict } from './errors'

type Reference = { collection: CollectionSlug; field: string }

/**
 * Refuses to delete a document that stock or orders still point at (409): deleting it would orphan
 * them. Deactivate it instead. The foreign key catches any race this check loses.
 */
export const refuseDeleteWhileReferenced =
  (what: string, references: Reference[]): CollectionBeforeDeleteHook =>
  async ({ id, req }) => {
    for (const ref of references) {
      const { totalDocs } = await req.payload.count({
        collection: ref.collection,
        where: { [ref.field]: { equals: id } },
        overrideAccess: true, // a count of rows, not a read on anybody's behalf
        req,
      })
      if (totalDocs > 0) {
        throw new Conflict(`This ${what.replace(/s$/, '')} is still used by ${ref.collection}; deactivate it instead.`, {
          id,
          referencedBy: ref.collection,
          count: totalDocs,
        })
      }
    }
  }
