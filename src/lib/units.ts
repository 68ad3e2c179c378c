// Units and how a quantity or an amount reads in the shop's two languages ("8,57 кг", "479,65 ₽").
// Pure and client-safe: used by the admin panel's components and by the emails.

export const UNITS = ['pcs', 'kg', 'g', 'l', 'm'] as const
export type Unit = (typeof UNITS)[number]
export type Lang = 'en' | 'ru'

const SHORT: Record<Unit, Record<Lang, string>> = {
  pcs: { en: 'pcs', ru: 'шт.' },
  kg: { en: 'kg', ru: 'кг' },
  g: { en: 'g', ru: 'г' },
  l: { en: 'l', ru: 'л' },
  m: { en: 'm', ru: 'м' },
}

/**
 * Pieces come in whole numbers: a quantity of `unit` in thousandths (src/lib/quantity.ts) is acceptable
 * unless the unit is pieces and the quantity has a fraction. Stock, assembly, products and the panel's
 * forms all ask this.
 */
export const fitsUnit = (unit: string, milli: bigint) => unit !== 'pcs' || milli % 1000n === 0n

/** Goods sold by weight or measure (anything but pieces): paid as weighed at assembly, held with a margin. */
export const isWeighed = (unit: string) => unit !== 'pcs'

export const asLang = (language: string | undefined): Lang => (language === 'ru' ? 'ru' : 'en')

export const unitLabel = (unit: string, lang: Lang) => SHORT[unit as Unit]?.[lang] ?? unit

/** "8,57 кг" / "8.57 kg": up to 3 decimals, in the language's number format. */
export function formatQuantity(quantity: number, unit: string, lang: Lang): string {
  const number = new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 3 }).format(quantity)
  return `${number}\u00a0${unitLabel(unit, lang)}`
}

/** "479,65 ₽" / "₽479.65": minor units as money in the shop's currency (its sign, not its ISO code). */
export function formatMoney(minor: number, currency: string, lang: Lang): string {
  // As a decimal string, so the amount is formatted exactly as it is (no division in floating point).
  const abs = Math.abs(minor)
  const decimal = `${minor < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}` as Intl.StringNumericLiteral
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(decimal)
}

/**
 * A quantity typed by a person ("8,57", "8.57", " 2 "): the number, or null when it is not a non-negative
 * decimal with at most 3 places. Exact: a ≤3-place decimal reads back as itself from a double.
 */
export function parseTypedQuantity(text: string): number | null {
  const normalized = text.trim().replace(',', '.')
  return /^\d{1,10}(\.\d{1,3})?$/.test(normalized) ? Number(normalized) : null
}
