// The catalogue: search, the pickup point's availability on every card, "in stock here", sort and pages.
import type { Metadata } from 'next'

import { ProductCard } from './_components/ProductCard'
import { PickupPointPicker } from './_components/PickupPoint'
import { messagesFor } from './_lib/messages'
import { shop } from './_lib/shop'

type Search = { q?: string; sort?: string; page?: string; instock?: string; added?: string; error?: string; deleted?: string }
const SORTS = ['relevance', 'name', 'price', '-price'] as const
type Sort = (typeof SORTS)[number]

export async function generateMetadata({ searchParams }: { searchParams: Promise<Search> }): Promise<Metadata> {
  const { q } = await searchParams
  const { lang } = await shop()
  return { title: q ? `${q} · ${messagesFor(lang).search}` : messagesFor(lang).catalogue }
}

export default async function CataloguePage({ searchParams }: { searchParams: Promise<Search> }) {
  const params = await searchParams
  const { api, lang, store } = await shop()
  const t = messagesFor(lang)
  const q = (params.q ?? '').slice(0, 200)
  const sort: Sort = SORTS.includes(params.sort as Sort) ? (params.sort as Sort) : q ? 'relevance' : 'name'
  const page = Math.min(Math.max(Number.parseInt(params.page ?? '1', 10) || 1, 1), 100_000)
  const inStock = params.instock === '1' && store !== undefined
  const [found, points] = await Promise.all([
    api.GET('/catalogue', { params: { query: { ...(q && { q }), ...(store && { store }), ...(inStock && { inStock: 'true' as const }), sort, page, limit: 24 } } }),
    api.GET('/stores', { params: { query: { limit: 100, depth: 0, sort: 'name' } } }),
  ])
  // A remembered point that has since closed: the search refuses it; show the catalogue without it.
  const result = found.data ?? (await api.GET('/catalogue', { params: { query: { ...(q && { q }), sort, page, limit: 24 } } })).data
  const docs = result?.docs ?? []
  const hasPoint = Boolean(found.data && store)
  const here = (p: number) => {
    const query = new URLSearchParams({ ...(q && { q }), ...(params.sort && { sort }), ...(inStock && { instock: '1' }), ...(p > 1 && { page: String(p) }) })
    return `/${query.size ? `?${query}` : ''}`
  }
  return (
    <>
      <h1>{q ? t.search : t.catalogue}</h1>
      {params.deleted ? <p className="notice" role="status">{t.deleted}</p> : null}
      {params.added ? <p className="notice" role="status">{t.added}</p> : null}
      {params.error ? <p className="notice error" role="alert">{t.somethingWrong}</p> : null}
      <form role="search" action="/" className="search">
        <label htmlFor="q" className="sr-only">{t.searchLabel}</label>
        <input id="q" name="q" type="search" defaultValue={q} placeholder={t.searchPlaceholder} aria-label={t.searchLabel} maxLength={200} />
        {params.sort ? <input type="hidden" name="sort" value={sort} /> : null}
        <button type="submit">{t.find}</button>
      </form>
      <PickupPointPicker points={points.data?.docs ?? []} current={hasPoint ? store : undefined} t={t} back={here(1)} />
      <form action="/" className="filters" aria-label={t.sort}>
        {q ? <input type="hidden" name="q" value={q} /> : null}
        <label htmlFor="sort">{t.sort}</label>
        <select id="sort" name="sort" defaultValue={sort}>
          {q ? <option value="relevance">{t.sortRelevance}</option> : null}
          <option value="name">{t.sortName}</option>
          <option value="price">{t.sortPrice}</option>
          <option value="-price">{t.sortPriceDesc}</option>
        </select>
        {hasPoint ? (
          <label className="inline">
            <input type="checkbox" name="instock" value="1" defaultChecked={inStock} /> {t.inStockHere}
          </label>
        ) : null}
        <button type="submit" className="secondary">{t.apply}</button>
      </form>
      {result?.correctedQuery ? <p className="notice">{t.correctedTo(result.correctedQuery)}</p> : null}
      <p className="muted" role="status">{docs.length ? t.found(result!.totalDocs) : t.nothingFound}</p>
      <ul className="grid">
        {docs.map((item, i) => (
          <li key={item.sku}>
            <ProductCard item={item} lang={lang} t={t} hasPoint={hasPoint} back={here(page)} eager={i < 4} />
          </li>
        ))}
      </ul>
      {result && result.totalPages > 1 ? (
        <nav className="pager" aria-label={t.pagination}>
          {result.hasPrevPage ? <a href={here(page - 1)} rel="prev">{t.previous}</a> : null}
          <span>{t.page(result.page, result.totalPages)}</span>
          {result.hasNextPage ? <a href={here(page + 1)} rel="next">{t.next}</a> : null}
        </nav>
      ) : null}
    </>
  )
}
