// A short-lived cache of the public catalogue (product and pickup-point lists, product pages and catalogue
// searches). Payload answers every list with a COUNT(*) plus the page, a broad search ranks thousands of
// rows; a storefront asks for the same few pages over and over. Entries live CATALOGUE_CACHE (2 s); a write
// to the catalogue in this process clears them at once, other processes see it within that time. A
// search's `available` may so lag a checkout by that long: checkout checks the stock.
const MAX_ENTRIES = 1000

export type CachedResponse = { status: number; headers: Array<[string, string]>; body: Buffer }

const CATALOGUE = /^\/api\/((products|stores)(\/[^/?]+)?|catalogue)(\?|$)/
/** Routes whose answer is the same whoever asks (the search shows only what is on sale, to anyone). */
const SAME_FOR_EVERYONE = /^\/api\/catalogue(\?|$)/
const CATALOGUE_WRITES = /^\/api\/(products|stores|media|stock)(\/|\?|$)/

export type CacheKey = { key: string; anonymous: boolean }

/**
 * The cache key of a request that may be answered from the cache, or null; `anonymous`: the answer is to
 * be made without the caller's credentials (it is the same for everyone, so it is served to everyone).
 */
export function catalogueKey(method: string, url: string, headers: { authorization?: string; cookie?: string; origin?: string }): CacheKey | null {
  if (method !== 'GET' || !CATALOGUE.test(url)) return null
  // The answer's CORS headers depend on the Origin: one entry per origin (a storefront elsewhere, or none).
  const key = `${headers.origin ?? ''} ${url}`
  if (SAME_FOR_EVERYONE.test(url)) return { key, anonymous: true }
  // Lists and pages as anyone may see them: logged-in users (admins see inactive products) go to the database.
  if (headers.authorization || /(^|;\s*)payload-token=/.test(headers.cookie ?? '')) return null
  return { key, anonymous: false }
}

export const writesCatalogue = (method: string, url: string) => method !== 'GET' && method !== 'HEAD' && CATALOGUE_WRITES.test(url)

export class CatalogueCache {
  private readonly entries = new Map<string, { expires: number; response: CachedResponse }>()
  private readonly inFlight = new Map<string, Promise<CachedResponse>>()
  private generation = 0

  constructor(private readonly ttlMs: number) {}

  /** The cached answer, or `load()`'s; concurrent misses of one key share one load. */
  async get(key: string, load: () => Promise<CachedResponse>): Promise<CachedResponse> {
    if (this.ttlMs <= 0) return load()
    const hit = this.entries.get(key)
    if (hit && hit.expires > Date.now()) return hit.response
    const pending = this.inFlight.get(key)
    if (pending) return pending
    const generation = this.generation
    const loading = load().finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, loading)
    const response = await loading
    // Keep only successful answers, and none that a write may have overtaken meanwhile.
    if (response.status === 200 && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!)
      this.entries.set(key, { expires: Date.now() + this.ttlMs, response })
    }
    return response
  }

  clear() {
    this.generation++
    this.entries.clear()
    this.inFlight.clear()
  }
}
