import type { CollectionBeforeChangeHook } from 'payload'
import { ValidationError } from 'payload'

import { toMilli } from '../../../lib/quantity'

/** A stock level is a whole number of the product's steps: 2.5 pieces cannot be on a shelf. */
export const quantityFitsStep: CollectionBeforeChangeHook = async ({ data, originalDoc, req, collection }) => {
  const productRef = data.product ?? originalDoc?.product
  const productId = typeof productRef === 'object' && productRef ? productRef.id : productRef
  const quantity = toMilli(data.quantity ?? originalDoc?.quantity)
  if (productId === undefined || quantity === null) return data
  const { docs } = await req.payload.find({
    collection: 'products',
    where: { id: { equals: productId } },
    limit: 1,
    depth: 0,
    pagination: false,
    overrideAccess: true, // inactive products have stock too
    req,
    select: { quantityStep: true, unit: true },
  })
  const product = docs[0]
  if (!product) return data // the product field's own validation answers 400
  const step = toMilli(product.quantityStep)
  if (step && quantity % step !== 0n) {
    throw new ValidationError({
      collection: collection.slug,
      errors: [
        {
          message: `Quantity must be a multiple of the product's step (${product.quantityStep} ${product.unit})`,
          path: 'quantity',
        },
      ],
      req,
    })
  }
  return data
}
