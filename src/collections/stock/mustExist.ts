import type { CollectionSlug, PayloadRequest } from 'payload'

/**
 * A relationship to a missing document would reach PostgreSQL as a foreign-key error (a 500);
 * checking first turns it into a 400 that names the field.
 */
export const mustExist =
  (collection: CollectionSlug, what: string) =>
  async (value: unknown, { req }: { req: PayloadRequest }): Promise<string | true> => {
    if (value === undefined || value === null || value === '') return `${what} is required`
    const id = typeof value === 'object' ? (value as { id?: unknown }).id : value
    if (typeof id !== 'string' && typeof id !== 'number') return `${what}: not a valid id`
    if (collection === 'stores' && !/^\d{1,9}$/.test(String(id))) return `${what} ${String(id)} does not exist`
    const { totalDocs } = await req.payload.count({
      collection,
      where: { id: { equals: id } },
      overrideAccess: true, // existence, whatever the caller may read
      req,
    })
    return totalDocs > 0 ? true : `${what} ${String(id)} does not exist`
  }
