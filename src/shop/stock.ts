// Stock levels change only through single conditional SQL statements, so two writers never race.
import type { PayloadRequest } from 'payload'

import { execute, sql } from '../db/sql'
import { formatMilli, milliToNumber, toMilli, toSignedMilli } from '../lib/quantity'
import { BadRequest, Conflict, NotFound } from './errors'

export async function adjustStock(req: PayloadRequest, id: string, delta: number | string) {
  if (!/^\d{1,18}$/.test(id)) throw new NotFound(`Stock row ${id} does not exist`)
  const deltaMilli = toSignedMilli(delta)
  if (deltaMilli === null) throw new BadRequest('delta: a number with at most 3 decimals')
  const amount = formatMilli(deltaMilli)
  const { rows } = await execute<{ quantity: string }>(
    req,
    sql`UPDATE stock AS s SET quantity = s.quantity + ${amount}::numeric, updated_at = now()
        FROM products AS p
        WHERE s.id = ${id}::int AND p.id = s.product_id
          AND s.quantity + ${amount}::numeric >= 0
          AND mod(${amount}::numeric, p.quantity_step) = 0
        RETURNING s.id, s.product_id, s.store_id, s.quantity::text AS quantity`,
  )
  if (rows[0]) {
    const row = rows[0] as unknown as { id: number; product_id: string; store_id: number; quantity: string }
    return { id: row.id, product: row.product_id, store: row.store_id, quantity: milliToNumber(toMilli(row.quantity)!) }
  }
  // Nothing changed: say why.
  const { rows: found } = await execute<{ quantity: string; step: string }>(
    req,
    sql`SELECT s.quantity::text AS quantity, p.quantity_step::text AS step
        FROM stock s JOIN products p ON p.id = s.product_id WHERE s.id = ${id}::int`,
  )
  const current = found[0]
  if (!current) throw new NotFound(`Stock row ${id} does not exist`)
  if (deltaMilli % toMilli(current.step)! !== 0n) {
    throw new BadRequest(`delta must be a multiple of the product's step (${current.step})`)
  }
  throw new Conflict('Stock cannot go below zero', { available: Number(current.quantity), delta: Number(amount) })
}
