// The buyer's own data: a copy of everything the shop holds on them, and deleting the account. Deleting
// keeps the orders for the shop's books (number, lines, amounts, store, status, payment) and cuts every
// link to the person: the contact given at checkout is erased and the buyer unset, in one transaction with
// the account's removal (the orders table refuses a contact without a buyer and the reverse).
import type { PayloadRequest } from 'payload'

import { confirmOwnPassword } from './auth/credentials'
import { execute, sql, sqlList } from '../db/sql'
import { inTransaction } from '../db/transaction'
import { Conflict, NotFound } from './errors'
import { HOLDING_STOCK } from './orderStatus'

type Owner = { id: number | string }

/** Everything the shop holds on the buyer, as they may download it. */
export async function exportOwnData(req: PayloadRequest, owner: Owner) {
  const { rows: profile } = await execute<Record<string, unknown>>(
    req,
    sql`SELECT id, email, username, first_name AS "firstName", last_name AS "lastName", phone, locale, role,
               created_at AS "createdAt", updated_at AS "updatedAt"
        FROM users WHERE id = ${owner.id}`,
  )
  if (!profile[0]) throw new NotFound('No such account')
  const { rows: orders } = await execute<Record<string, unknown>>(
    req,
    sql`SELECT o.id, o.number, o.status::text AS status, o.total::bigint::int AS total, o.currency,
               s.name AS "pickupPoint", s.address AS "pickupAddress",
               json_build_object('firstName', o.contact_first_name, 'lastName', o.contact_last_name, 'phone', o.contact_phone) AS contact,
               o.created_at AS "createdAt", o.updated_at AS "updatedAt",
               coalesce((SELECT json_agg(json_build_object('sku', l.product_id, 'name', l.name, 'unit', l.unit,
                                   'quantity', l.quantity::text, 'pickedQuantity', l.picked_quantity::text,
                                   'unitPrice', l.unit_price, 'lineTotal', l.line_total) ORDER BY l.id)
                         FROM order_lines l WHERE l.order_id = o.id), '[]') AS lines
        FROM orders o JOIN stores s ON s.id = o.pickup_point_id
        WHERE o.buyer_id = ${owner.id} ORDER BY o.id`,
  )
  const { rows: cart } = await execute<Record<string, unknown>>(
    req,
    sql`SELECT l.product_id AS sku, l.quantity::text AS quantity, l.updated_at AS "updatedAt"
        FROM cart_lines l JOIN carts c ON c.id = l.cart_id WHERE c.buyer_id = ${owner.id} ORDER BY l.id`,
  )
  return { exportedAt: new Date().toISOString(), profile: profile[0], orders, cart }
}

/**
 * Deletes the signed-in buyer's account after checking their password. Refused with 409 while an order is
 * still open (awaiting payment, paid or ready): it names them; collect or cancel them first.
 */
export async function deleteOwnAccount(req: PayloadRequest, owner: Owner, password: string) {
  await refuseDeletingShopPeople(req, owner.id)
  await confirmOwnPassword(req, { id: owner.id }, password)
  await inTransaction(req, async (req) => {
    const { rows: open } = await execute<{ number: string; status: string }>(
      req,
      sql`SELECT number, status::text AS status FROM orders
          WHERE buyer_id = ${owner.id} AND status::text IN (${sqlList(HOLDING_STOCK)}) ORDER BY id FOR UPDATE`,
    )
    if (open.length > 0) {
      throw new Conflict(`Orders ${open.map((o) => o.number).join(', ')} are still open: collect or cancel them before deleting the account.`, {
        orders: open,
      })
    }
    await execute(
      req,
      sql`UPDATE orders SET buyer_id = NULL, contact_first_name = NULL, contact_last_name = NULL, contact_phone = NULL, updated_at = now()
          WHERE buyer_id = ${owner.id}`,
    )
    await execute(req, sql`DELETE FROM login_throttles WHERE user_id = ${owner.id}`)
    // Deliberately past access (only admins may delete accounts through the collection): this is the owner
    // deleting their own, checked above. Payload removes its sessions and relations with it; the cart and
    // checkout claims go by their foreign keys.
    await req.payload.delete({ collection: 'users', id: owner.id, req, overrideAccess: true })
  })
}

/**
 * An account the ledger names (a member of staff, an admin, anyone who ever moved stock) is never deleted:
 * the ledger must keep who received, counted, wrote off, assembled and handed over. It is deactivated
 * instead (`active: false`: no login, every session ended). Buyers are never named in the ledger.
 */
export async function refuseDeletingShopPeople(req: PayloadRequest, userId: number | string) {
  const { rows } = await execute<{ role: string; named: boolean }>(
    req,
    sql`SELECT role::text AS role, EXISTS (SELECT 1 FROM stock_movements WHERE by_id = u.id) AS named FROM users u WHERE id = ${userId}`,
  )
  const account = rows[0]
  if (account && (account.role !== 'buyer' || account.named)) {
    throw new Conflict('Staff and admin accounts are not deleted: the stock ledger keeps who did what. An admin deactivates the account instead (Active: off).', {
      reason: 'named_in_ledger',
    })
  }
}

/** A deactivated account's sessions end with the change: its tokens stop working at once. */
export async function endSessionsOf(req: PayloadRequest, userId: number | string) {
  await execute(req, sql`DELETE FROM users_sessions WHERE _parent_id = ${userId}`)
}
