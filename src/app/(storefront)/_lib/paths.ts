// Where the storefront's forms send a buyer next: only a path of this site, never another origin.
const HERE = 'http://storefront.local'

/** `value` as a path of this site, or `fallback` (another origin, `//host`, a backslash, nonsense). */
export function localPath(value: string | null | undefined, fallback = '/'): string {
  if (!value || value.includes('\\')) return fallback
  try {
    const url = new URL(value, HERE)
    // `/.//evil.example` parses to the path `//evil.example`, which a browser reads as another host.
    if (url.origin !== HERE || url.pathname.startsWith('//')) return fallback
    return `${url.pathname}${url.search}`
  } catch {
    return fallback
  }
}

/** `path` with `key=value` set in its query (or `key` removed when `value` is null). */
export function withParam(path: string, key: string, value: string | null) {
  const url = new URL(path, HERE)
  if (value === null) url.searchParams.delete(key)
  else url.searchParams.set(key, value)
  return `${url.pathname}${url.search}`
}

/** The path of a Referer on this host (`host`: the request's Host), else `fallback`. */
export function refererPath(referer: string | null | undefined, host: string | null | undefined, fallback = '/'): string {
  if (!referer || !host) return fallback
  try {
    const url = new URL(referer)
    return url.host === host ? localPath(`${url.pathname}${url.search}`, fallback) : fallback
  } catch {
    return fallback
  }
}
