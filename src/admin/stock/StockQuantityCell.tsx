// A stock number in the list, with its product's unit ("8,57 кг"); a shortfall (below 0) stands out.
import type { DefaultServerCellComponentProps, NumberFieldClient, Payload } from 'payload'
import { cache } from 'react'

import { asLang, formatQuantity } from '../../lib/units'

// The list reads rows at depth 0 (the product is an id); one lookup per product and request.
const unitOf = cache(async (payload: Payload, id: string) => {
  const product = await payload.findByID({ collection: 'products', id, depth: 0, select: { unit: true }, disableErrors: true })
  return (product as { unit?: string } | null)?.unit ?? ''
})

export async function StockQuantityCell({ cellData, rowData, payload, i18n }: DefaultServerCellComponentProps<NumberFieldClient, number | null | undefined>) {
  if (typeof cellData !== 'number') return <span>—</span>
  const product = rowData.product as string | { id: string } | undefined
  const productId = typeof product === 'object' && product ? product.id : product
  const unit = productId ? await unitOf(payload, String(productId)) : ''
  const text = formatQuantity(cellData, unit, asLang(i18n.language))
  return cellData < 0 ? <strong className="stock-shortfall">{text}</strong> : <span>{text}</span>
}
