// GET /api/catalogue: search the products on sale, with what is available at a pickup point.
import { z } from 'zod'

import { defineRoute, json } from '../route'
import { pageOf } from '../schemas'
import { CATALOGUE_SORTS, MAX_PAGE_SIZE, searchCatalogue } from '../../shop/catalogue'

const whole = (max: number) => z.coerce.number().int().positive().max(max)

export const catalogueQuery = z
  .object({
    q: z.string().max(200).optional().describe('What the buyer typed: words of the name or description, in Russian or English; typos are corrected'),
    store: whole(2_147_483_647).optional().describe('A pickup point: each product then says what is available there'),
    inStock: z.enum(['true', 'false']).optional().describe('true: only what is available at `store` (which it needs)'),
    sort: z.enum(CATALOGUE_SORTS).optional().describe('relevance (the default with `q`, else name), name, -name, price, -price'),
    page: whole(100_000).default(1),
    limit: whole(MAX_PAGE_SIZE).default(24).describe(`At most ${MAX_PAGE_SIZE}`),
  })
  .strict()
  .refine((query) => query.inStock !== 'true' || query.store !== undefined, { message: 'inStock=true needs a store', path: ['inStock'] })

const size = z.object({ url: z.string().nullable(), width: z.number().nullable(), height: z.number().nullable() })
const item = z
  .object({
    sku: z.string(),
    name: z.string(),
    price: z.number().int().describe('Per unit, in minor units (kopecks)'),
    currency: z.string(),
    unit: z.string(),
    step: z.number().describe('Quantities are whole multiples of it'),
    photo: z.object({ url: z.string().nullable(), alt: z.string().nullable(), width: z.number().nullable(), height: z.number().nullable(), sizes: z.record(z.string(), size) }).nullable(),
    available: z.number().optional().describe('At `store`, when given: on hand less what is reserved'),
  })
  .strict()

export const catalogueSchema = pageOf(item)
  .extend({
    correctedQuery: z.string().nullable().describe('The query as corrected when what was typed matched nothing ("малоко" → "молоко")'),
  })
  .strict()

export const catalogueRoutes = [
  defineRoute({
    method: 'get',
    path: '/catalogue',
    tag: 'Catalogue',
    who: 'public',
    summary: 'Search the products on sale',
    description: 'Full-text search in Russian and English (stems: "молока" finds "Молоко"), typos corrected against the catalogue’s words, ranked by relevance; with `store`, what is available there.',
    query: catalogueQuery,
    responses: {
      200: { description: 'A page of products, paginated like Payload’s lists', schema: catalogueSchema },
      400: { description: 'A malformed or unknown parameter, a query over 200 characters, a limit over the cap, inStock without store' },
      404: { description: 'No such open pickup point' },
    },
    handler: async ({ req, query }) =>
      json(await searchCatalogue(req, { ...query, inStock: query.inStock === 'true' })),
  }),
]
