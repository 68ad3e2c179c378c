import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

/**
 * Normalises a phone number to E.164 ("+79161234567"). Numbers without a country code are read as Russian,
 * the shop's home market. Returns null when the number is not a valid one.
 */
export function toE164(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 32) return null
  const parsed = parsePhoneNumberFromString(input, 'RU')
  if (!parsed || !parsed.isValid()) return null
  return parsed.number
}
