// A product: photo, description, price per unit, a quantity in its step, add to cart.
import type { Metadata } from 'next'
import { notFound } from 'next/navigation'

import { SKU_PATTERN } from '../../../../lib/sku'
import { formatMoney, formatQuantity, isWeighed, unitLabel } from '../../../../lib/units'
import { Stepper } from '../../_components/Stepper'
import { addToCart } from '../../_lib/actions'
import { messagesFor } from '../../_lib/messages'
import { shop } from '../../_lib/shop'
import { RichText } from '../../_components/RichText'

type Params = { sku: string }

/** The SKU from the path; a malformed escape or what no SKU may be ("." would be another path) is a 404. */
function skuOf(raw: string): string | null {
  try {
    const sku = decodeURIComponent(raw)
    return SKU_PATTERN.test(sku) ? sku : null
  } catch {
    return null
  }
}

async function product(sku: string | null) {
  if (!sku) return undefined
  const { api } = await shop()
  const { data } = await api.GET('/products/{id}', { params: { path: { id: sku } } })
  return data
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const found = await product(skuOf((await params).sku))
  return { title: found?.name ?? '404' }
}

export default async function ProductPage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<{ added?: string; error?: string }> }) {
  const sku = skuOf((await params).sku) ?? ''
  const [{ lang, token }, found, state] = await Promise.all([shop(), product(sku), searchParams])
  if (!found) notFound()
  const t = messagesFor(lang)
  const photo = typeof found.photo === 'object' && found.photo ? found.photo : null
  const image = photo?.sizes?.card?.url ? photo.sizes.card : photo
  const unit = unitLabel(found.unit, lang)
  const weighed = isWeighed(found.unit)
  const back = `/p/${encodeURIComponent(sku)}`
  return (
    <article className="product">
      <div>{image?.url && image.width && image.height ? <img src={image.url} width={image.width} height={image.height} alt={photo?.alt ?? ''} fetchPriority="high" /> : null}</div>
      <div>
        <h1>{found.name}</h1>
        <p className="price">{t.perUnit(formatMoney(found.price, found.currency, lang), unit)}</p>
        {weighed ? <p className="muted">{t.weighedNote}</p> : null}
        {state.added ? <p className="notice" role="status">{t.added}. <a href="/cart">{t.cart}</a></p> : null}
        {state.error ? <p className="notice error" role="alert">{t.somethingWrong}</p> : null}
        <form action={addToCart}>
          <input type="hidden" name="sku" value={found.id} />
          <input type="hidden" name="back" value={back} />
          <p aria-hidden="true">{t.quantity}</p>
          <Stepper
            id="quantity"
            name="quantity"
            step={found.quantityStep}
            initial={found.quantityStep}
            label={t.quantity}
            unit={unit}
            decrease={t.decrease(formatQuantity(found.quantityStep, found.unit, lang))}
            increase={t.increase(formatQuantity(found.quantityStep, found.unit, lang))}
          />
          <button type="submit">{token ? t.addToCart : t.loginToBuy}</button>
        </form>
        {found.description ? (
          <section>
            <h2>{t.description}</h2>
            <RichText value={found.description} />
          </section>
        ) : null}
      </div>
    </article>
  )
}
