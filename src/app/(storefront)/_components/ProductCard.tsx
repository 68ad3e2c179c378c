import type { Answer } from '../_lib/types'
import { formatMoney, formatQuantity, unitLabel, type Lang } from '../../../lib/units'
import { addToCart } from '../_lib/actions'
import type { Messages } from '../_lib/messages'

/** A product as the catalogue search answers it (typed from the API document). */
export type CatalogueItem = Answer<'/catalogue', 'get'>['docs'][number]

/** The smallest size Payload made that is at least this wide, with its own width and height. */
export function photoFor(photo: CatalogueItem['photo'], minWidth: number) {
  if (!photo) return null
  const sizes = Object.values(photo.sizes).filter((s) => s.url && s.width && s.height) as Array<{ url: string; width: number; height: number }>
  const fitting = sizes.filter((s) => s.width >= minWidth).sort((a, b) => a.width - b.width)[0]
  if (fitting) return fitting
  return photo.url && photo.width && photo.height ? { url: photo.url, width: photo.width, height: photo.height } : null
}

export function Availability({ item, lang, t, hasPoint }: { item: Pick<CatalogueItem, 'available' | 'unit'>; lang: Lang; t: Messages; hasPoint: boolean }) {
  if (!hasPoint || item.available === undefined) return <p className="stock muted">{t.choosePointForStock}</p>
  if (item.available <= 0) return <p className="stock none">{t.notAvailableHere}</p>
  return <p className="stock">{t.available(formatQuantity(item.available, item.unit, lang))}</p>
}

export function ProductCard({ item, lang, t, hasPoint, back, eager }: { item: CatalogueItem; lang: Lang; t: Messages; hasPoint: boolean; back: string; eager: boolean }) {
  const image = photoFor(item.photo, 300)
  const href = `/p/${encodeURIComponent(item.sku)}`
  return (
    <article className="card">
      {image ? <img src={image.url} width={image.width} height={image.height} alt="" loading={eager ? 'eager' : 'lazy'} decoding="async" /> : null}
      <a href={href}>{item.name}</a>
      <p className="price">{t.perUnit(formatMoney(item.price, item.currency, lang), unitLabel(item.unit, lang))}</p>
      <Availability item={item} lang={lang} t={t} hasPoint={hasPoint} />
      <form action={addToCart}>
        <input type="hidden" name="sku" value={item.sku} />
        <input type="hidden" name="quantity" value={item.step} />
        <input type="hidden" name="back" value={back} />
        <button type="submit" className="secondary" aria-label={`${t.addToCart}: ${item.name}, ${formatQuantity(item.step, item.unit, lang)}`}>
          + {formatQuantity(item.step, item.unit, lang)}
        </button>
      </form>
    </article>
  )
}
