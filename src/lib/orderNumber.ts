// Order numbers: short enough to read out at the counter, random so they reveal nothing (not how many
// orders there are, nor the next one). 8 symbols from 30 unambiguous ones ≈ 39 bits; uniqueness is the
// database's job (a unique index; the insert picks another number on a clash).
import crypto from 'node:crypto'

export const ORDER_NUMBER_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ' // no 0/O, 1/I/L, U
export const ORDER_NUMBER_PATTERN = /^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$/

export function newOrderNumber(): string {
  let symbols = ''
  for (let i = 0; i < 8; i++) symbols += ORDER_NUMBER_ALPHABET[crypto.randomInt(ORDER_NUMBER_ALPHABET.length)]
  return `${symbols.slice(0, 4)}-${symbols.slice(4)}`
}
