// The language of a request, for the few answers the shop writes itself before Payload sees the request
// (e.g. a 413 from the Express front): the admin panel's language cookie first, then Accept-Language.
export const LANGUAGES = ['en', 'ru'] as const
export type Language = (typeof LANGUAGES)[number]

const isLanguage = (value: string): value is Language => (LANGUAGES as readonly string[]).includes(value)

export const isSupportedLanguage = (value: unknown): value is Language => typeof value === 'string' && isLanguage(value)

/** `cookie`: the Cookie header; `acceptLanguage`: the Accept-Language header; `fallback` when neither says. */
export function requestLanguage(cookie: string | undefined, acceptLanguage: string | undefined, fallback: Language = 'en'): Language {
  const chosen = /(?:^|;\s*)payload-lng=([a-z]{2})/.exec(cookie ?? '')?.[1]
  if (chosen && isLanguage(chosen)) return chosen
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = Number(/^q=([\d.]+)$/.exec(params.join('').trim())?.[1] ?? 1)
      return { language: tag.slice(0, 2).toLowerCase(), q: Number.isFinite(q) ? q : 0 }
    })
    .filter((entry) => entry.q > 0 && isLanguage(entry.language))
    .sort((a, b) => b.q - a.q)
  return (ranked[0]?.language as Language | undefined) ?? fallback
}
