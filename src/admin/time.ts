// Spans of time as a clerk reads them: "3 h", "2 d", "45 min".
type T = (key: 'shop:days' | 'shop:hours' | 'shop:minutes', vars: { count: number }) => string

export function span(ms: number, t: T): string {
  const minutes = Math.max(0, Math.round(ms / 60_000))
  if (minutes >= 48 * 60) return t('shop:days', { count: Math.floor(minutes / 1440) })
  if (minutes >= 60) return t('shop:hours', { count: Math.floor(minutes / 60) })
  return t('shop:minutes', { count: minutes })
}
