// How the storefront writes quantities and amounts that depend on a weighing.
import { formatMoney, formatQuantity, type Lang } from '../../../lib/units'

/** "≈ 1,5 кг · ≈ 1 349,85 ₽" for weighed goods (the final amount is set at assembly); exact for pieces. */
export function lineSummary(line: { quantity: number; unit: string; lineTotal: number; weighed: boolean }, currency: string, lang: Lang, about: string) {
  const mark = line.weighed ? `${about}\u00a0` : ''
  return `${mark}${formatQuantity(line.quantity, line.unit, lang)} · ${mark}${formatMoney(line.lineTotal, currency, lang)}`
}
