// Checkout: claim the request (idempotency, one checkout per buyer at a time), reserve the stock and
// write the order in ONE transaction, charge, then confirm or cancel. Every step that can be interrupted
// (a timeout, a crash) leaves an order the settlement job knows how to finish.
import crypto from 'node:crypto'

import type { PayloadRequest } from 'payload'
import type { SQL } from 'drizzle-orm'

import { postgresCode } from '../db/errors'
import { run, statement } from '../db/prepared'
import { execute, sql, sqlList } from '../db/sql'
import { inTransaction } from '../db/transaction'
import { claimStaleAfterMs, env } from '../env'
import { holdFor, lineTotal, sumMinor } from '../lib/money'
import { newOrderNumber } from '../lib/orderNumber'
import { toE164 } from '../lib/phone'
import { formatMilli, milliToNumber, toMilli } from '../lib/quantity'
import { type AuthorizeOutcome, callGateway, paymentGateway } from '../payments'
import { orderedOutOfCart } from './cart'
import { reserveLines } from './stock'
import { isWeighed } from './rules'
import {
  BadRequest,
  CheckoutTooSlow,
  Conflict,
  IdempotencyKeyReused,
  isConflict,
  NotFound,
  OutOfStock,
  PaymentDeclined,
  PaymentPending,
  type ShortLine,
  TotalChanged,
} from './errors'
import { settleMoney } from './orderPayments'
import { findOrder, ORDER_MOVED, type OrderView, orderWithQr, toOrderView, transitionOrder } from './orders'
import { pickupCodeFor, pickupQrDataUrl } from './pickupCode'
import { settingsOf } from '../settings'

export type CheckoutInput = {
  pickupPoint: number
  contact: { firstName: string; lastName: string; phone: string }
  paymentToken: string
  expectedTotal?: number
}
type Buyer = { id: number | string }

/** PostgreSQL's statement_timeout fired. */
const QUERY_CANCELED = '57014'

// ---------------------------------------------------------------------------------------------------
// Claim: the row that makes a buyer's checkouts one at a time, and remembers keyed ones for replays.

type Claim = { id: number; keyed: boolean } | { replayOrderId: number }

const requestHash = (input: CheckoutInput) =>
  crypto
    .createHash('sha256')
    .update(JSON.stringify([input.pickupPoint, input.contact.firstName, input.contact.lastName, input.contact.phone, input.paymentToken, input.expectedTotal ?? null]))
    .digest('hex')

const CLAIM = statement<{ id: number }>(
  'shop_checkout_claim',
  `INSERT INTO checkout_requests (buyer_id, key, request_hash, state) VALUES ($1, $2, $3, 'running')
   ON CONFLICT DO NOTHING RETURNING id`,
)

async function claimCheckout(req: PayloadRequest, buyer: Buyer, key: string | undefined, hash: string): Promise<Claim> {
  const insert = () => run(req, CLAIM, [buyer.id, key ?? null, hash])
  let { rows } = await insert()
  if (!rows[0]) {
    // A claim left running by a process that died: without an order it is forgotten, with one it is done
    // (the settlement job finishes that order; a replay answers from it). Then try once more. "Died" means
    // older than any live checkout can be (settings.checkout): a slow gateway must not let a retry charge again.
    const { rowCount } = await execute(
      req,
      sql`WITH stale AS (
            SELECT id, order_id FROM checkout_requests
            WHERE buyer_id = ${buyer.id} AND state = 'running'
              AND started_at < now() - ${`${claimStaleAfterMs(settingsOf(req.payload))} milliseconds`}::interval
          ), forgotten AS (
            DELETE FROM checkout_requests WHERE id IN (SELECT id FROM stale WHERE order_id IS NULL) RETURNING id
          ), finished AS (
            UPDATE checkout_requests SET state = 'done' WHERE id IN (SELECT id FROM stale WHERE order_id IS NOT NULL) RETURNING id
          )
          SELECT id FROM forgotten UNION ALL SELECT id FROM finished`,
    )
    if (rowCount > 0) ({ rows } = await insert())
  }
  if (rows[0]) return { id: rows[0].id, keyed: key !== undefined }
  if (key !== undefined) {
    const { rows: earlier } = await execute<{ state: string; request_hash: string; order_id: number | null }>(
      req,
      sql`SELECT state, request_hash, order_id FROM checkout_requests WHERE buyer_id = ${buyer.id} AND key = ${key}`,
    )
    const first = earlier[0]
    if (first) {
      if (first.request_hash !== hash) throw new IdempotencyKeyReused()
      if (first.state === 'running' || first.order_id === null) {
        throw new Conflict('A checkout with this Idempotency-Key is still running; retry in a moment.')
      }
      return { replayOrderId: first.order_id }
    }
  }
  throw new Conflict('Another checkout of yours is still running; wait for its answer.')
}

// Keyed claims are kept for replays (IDEMPOTENCY_RETENTION_HOURS, ./idempotency.ts); others are not needed.
const claimFinished = (claim: { id: number; keyed: boolean }, when: SQL = sql`true`): SQL =>
  claim.keyed
    ? sql`UPDATE checkout_requests SET state = 'done' WHERE id = ${claim.id} AND ${when}`
    : sql`DELETE FROM checkout_requests WHERE id = ${claim.id} AND ${when}`

const finishClaim = (req: PayloadRequest, claim: { id: number; keyed: boolean }) => execute(req, claimFinished(claim))

/** Nothing was charged: the claim goes, so a retry with the same Idempotency-Key runs afresh. */
const forgetClaim = (req: PayloadRequest, claimId: number) => execute(req, sql`DELETE FROM checkout_requests WHERE id = ${claimId}`)

// ---------------------------------------------------------------------------------------------------
// Reservation: one transaction of named steps. Read the cart at the pickup point, price it, write the
// order, then reserve the stock (conditional `reserved += q` in SKU order, ./stock.ts); a short line rolls
// it all back.

type Reserved = { orderId: number; total: number; authorized: number; paymentKey: string; view: OrderView }
class ShortOfStock extends Error {
  constructor(readonly lines: Array<{ sku: string; milli: bigint }>) {
    super('short of stock')
  }
}

type CartAtStore = {
  store: { id: number; name: string; address: string | null }
  lines: Array<{ sku: string; name: string; unit: string; quantity: string; price: string; active: boolean }>
}
type PricedLine = { sku: string; name: string; unit: string; milli: bigint; price: number; lineTotal: number }

type CartAtStoreRow = {
  store_id: number
  store_name: string
  store_address: string | null
  sku: string | null
  name: string
  unit: string
  quantity: string
  price: string
  active: boolean
}

/** Also bounds every later statement of the reservation's transaction ($3 ms): set here, no round trip of its own. */
const CART_AT_STORE = statement<CartAtStoreRow>(
  'shop_checkout_cart_at_store',
  `SELECT s.id AS store_id, s.name AS store_name, s.address AS store_address,
          l.product_id AS sku, p.name, p.unit, l.quantity::text AS quantity, p.price::text AS price, p.active,
          set_config('statement_timeout', $3, true) AS statement_timeout
   FROM stores s
   LEFT JOIN carts c ON c.buyer_id = $1
   LEFT JOIN cart_lines l ON l.cart_id = c.id
   LEFT JOIN products p ON p.id = l.product_id
   WHERE s.id = $2 AND s.active`,
)

/**
 * The pickup point and the buyer's cart in one round trip: no row means no such open pickup point. From
 * here on, no statement of the transaction may wait longer than `boundMs` (a lock held by a stuck one).
 */
async function readCartAt(req: PayloadRequest, buyer: Buyer, pickupPoint: number, boundMs: number): Promise<CartAtStore> {
  const { rows } = await run(req, CART_AT_STORE, [buyer.id, pickupPoint, String(boundMs)])
  const first = rows[0]
  if (!first) throw new NotFound(`No open pickup point with id ${pickupPoint}`, { field: 'pickupPoint' })
  return {
    store: { id: first.store_id, name: first.store_name, address: first.store_address },
    lines: rows.filter((r) => r.sku !== null).map((r) => ({ ...r, sku: r.sku! })),
  }
}

/**
 * One line per product (lines of one product summed), in SKU order, priced as the products are now. SKU
 * order is what keeps two checkouts of the same products from waiting on each other in a circle.
 */
export function priceCart(lines: CartAtStore['lines'], weightToleranceBp = env.weightToleranceBp): { lines: PricedLine[]; total: number; authorized: number } {
  if (lines.length === 0) throw new BadRequest('The cart is empty')
  const unavailable = lines.filter((l) => !l.active).map((l) => l.sku)
  if (unavailable.length > 0) {
    throw new Conflict(`No longer on sale: ${unavailable.join(', ')}. Remove them from the cart first.`, { unavailable })
  }
  const bySku = new Map<string, Omit<PricedLine, 'lineTotal'>>()
  for (const line of lines) {
    const entry = bySku.get(line.sku) ?? { sku: line.sku, name: line.name, unit: line.unit, milli: 0n, price: Number(line.price) }
    entry.milli += toMilli(line.quantity)!
    bySku.set(line.sku, entry)
  }
  const priced = [...bySku.values()]
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
    .map((l) => ({ ...l, lineTotal: lineTotal(l.price, l.milli) }))
  const total = sumMinor(priced.map((l) => l.lineTotal))
  // Weighed goods may weigh a little more than ordered: the hold covers that much more of them.
  const weighed = sumMinor(priced.filter((l) => isWeighed(l.unit)).map((l) => l.lineTotal))
  return { lines: priced, total, authorized: holdFor(total, weighed, weightToleranceBp) }
}

// A named prepared statement: the lines go as arrays, so its text is the same for any cart.
const WRITE_ORDER = statement<{ id: number; number: string; created_at: Date }>(
  'shop_checkout_write_order',
  `WITH new_order AS (
     INSERT INTO orders (number, pickup_code, buyer_id, status, pickup_point_id, total, authorized, currency,
                         contact_first_name, contact_last_name, contact_phone,
                         payment_state, payment_key, expires_at, updated_at, created_at)
     VALUES ($1, $2, $3, 'awaiting_payment', $4, $5, $6, $7, $8, $9, $10, 'pending', $11, now() + $12::interval, now(), now())
     ON CONFLICT (number) DO NOTHING RETURNING id, number, created_at
   ), new_lines AS (
     INSERT INTO order_lines (order_id, product_id, name, unit, quantity, unit_price, line_total, updated_at, created_at)
     SELECT o.id, v.sku, v.name, v.unit, v.quantity, v.unit_price, v.line_total, now(), now()
     FROM new_order o
     CROSS JOIN unnest($14::varchar[], $15::varchar[], $16::varchar[], $17::numeric[], $18::numeric[], $19::numeric[])
       AS v (sku, name, unit, quantity, unit_price, line_total)
   ), linked AS (
     UPDATE checkout_requests SET order_id = o.id FROM new_order o WHERE checkout_requests.id = $13
   )
   SELECT id, number, created_at FROM new_order`,
)

/**
 * The order, its line snapshots and the claim's link to it, in one statement, under a fresh random number
 * (a clash writes nothing, and another number is drawn).
 */
async function writeOrder(
  req: PayloadRequest,
  buyer: Buyer,
  input: CheckoutInput,
  claimId: number,
  paymentKey: string,
  priced: { lines: PricedLine[]; total: number; authorized: number },
) {
  const { lines } = priced
  const columns = [
    lines.map((l) => l.sku),
    lines.map((l) => l.name),
    lines.map((l) => l.unit),
    lines.map((l) => formatMilli(l.milli)),
    lines.map((l) => l.price),
    lines.map((l) => l.lineTotal),
  ]
  const ttl = `${settingsOf(req.payload).reservationTtlMs} milliseconds`
  for (;;) {
    const number = newOrderNumber()
    const { rows } = await run(req, WRITE_ORDER, [
      number, pickupCodeFor(number), buyer.id, input.pickupPoint, priced.total, priced.authorized, env.currency,
      input.contact.firstName, input.contact.lastName, input.contact.phone, paymentKey, ttl, claimId, ...columns,
    ])
    if (rows[0]) return rows[0]
  }
}

async function reserve(req: PayloadRequest, buyer: Buyer, input: CheckoutInput, claimId: number, paymentKey: string): Promise<Reserved> {
  return inTransaction(req, async (req) => {
    // No statement may wait longer than the reservation may take (a lock held by a stuck transaction).
    const cart = await readCartAt(req, buyer, input.pickupPoint, settingsOf(req.payload).checkout.reserveMs)
    const priced = priceCart(cart.lines, settingsOf(req.payload).weightToleranceBp)
    if (input.expectedTotal !== undefined && input.expectedTotal !== priced.total) {
      throw new TotalChanged(priced.total, input.expectedTotal, env.currency)
    }
    // The order first, the stock last: the contended stock rows stay locked only from their reservation
    // to the commit. A short line rolls the whole transaction back, order included.
    const order = await writeOrder(req, buyer, input, claimId, paymentKey, priced)
    const reserved = await reserveLines(req, input.pickupPoint, order.id, priced.lines)
    if (reserved.size < priced.lines.length) {
      throw new ShortOfStock(priced.lines.filter((l) => !reserved.has(l.sku)).map((l) => ({ sku: l.sku, milli: l.milli })))
    }
    const view = toOrderView(
      {
        ...order,
        status: 'awaiting_payment',
        total: priced.total,
        authorized: priced.authorized,
        captured: null,
        refunded: 0,
        currency: env.currency,
        pickup_point_id: cart.store.id,
        store_name: cart.store.name,
        store_address: cart.store.address,
      },
      priced.lines.map((l) => ({ sku: l.sku, name: l.name, unit: l.unit, quantity: formatMilli(l.milli), picked_quantity: null, unit_price: l.price, line_total: l.lineTotal })),
    )
    return { orderId: order.id, total: priced.total, authorized: priced.authorized, paymentKey, view }
  })
}

/** What is available now of each short line (read after the rollback, for the 409's `lines`). */
async function shortLines(req: PayloadRequest, storeId: number, short: Array<{ sku: string; milli: bigint }>): Promise<ShortLine[]> {
  const { rows } = await execute<{ sku: string; available: string }>(
    req,
    sql`SELECT product_id AS sku, GREATEST(on_hand - reserved, 0)::text AS available FROM stock
        WHERE store_id = ${storeId} AND product_id IN (${sqlList(short.map((s) => s.sku))})`,
  )
  const available = new Map(rows.map((r) => [r.sku, toMilli(r.available)!]))
  return short.map((s) => ({ sku: s.sku, requested: milliToNumber(s.milli), available: milliToNumber(available.get(s.sku) ?? 0n) }))
}

// ---------------------------------------------------------------------------------------------------

/** The settlement job cancelled the order before the authorization came back: its hold is to be released. */
const releaseLateHold = (req: PayloadRequest, orderId: number, authorizationId: string) =>
  execute(
    req,
    sql`UPDATE orders SET payment_state = 'release_due', payment_authorization_id = ${authorizationId}, updated_at = now()
        WHERE id = ${orderId} AND status = 'cancelled' AND payment_state IN ('pending', 'unknown')`,
  )

/** The answer for an order as it stands: paid (or later) → the order and its QR; cancelled → 402; waiting → 504. */
async function answerFor(req: PayloadRequest, orderId: number) {
  const order = await findOrder(req, { id: orderId })
  if (!order) throw new NotFound('No such order', { id: orderId })
  const { order: view, qr } = await orderWithQr(req, order)
  const summary = { id: view.id, number: view.number, status: view.status, total: view.total, currency: view.currency }
  if (view.status === 'paid' || view.status === 'ready' || view.status === 'collected') return { order: view, qr }
  if (view.status === 'cancelled') throw new PaymentDeclined(summary)
  throw new PaymentPending(summary)
}

export async function checkout(req: PayloadRequest, buyer: Buyer, input: CheckoutInput, idempotencyKey?: string) {
  const phone = toE164(input.contact.phone)
  if (!phone) throw new BadRequest('contact.phone is not a valid phone number', { field: 'contact.phone' })
  const normalized: CheckoutInput = { ...input, contact: { ...input.contact, phone } }

  // Taken before the claim is written, so it never runs behind the claim's own date (see settings.checkout).
  const claimedAt = performance.now()
  const claim = await claimCheckout(req, buyer, idempotencyKey, requestHash(normalized))
  if ('replayOrderId' in claim) return answerFor(req, claim.replayOrderId)

  // The key the gateway knows this authorization by: new for every attempt, kept on its order. A replay of
  // this attempt answers from that order and never authorizes again; a new attempt with an old
  // Idempotency-Key (its claim expired) must never meet an old authorization at the gateway, which may keep
  // keys longer than we keep claims.
  const paymentKey = `co_${buyer.id}_${crypto.randomUUID()}`
  const reserved = await reserveOrForgetClaim(req, buyer, normalized, claim.id, paymentKey)

  if (performance.now() - claimedAt > settingsOf(req.payload).checkout.reserveMs) {
    // Too late to ask for the money: a retry may already count this claim as abandoned. Nothing is held.
    await transitionOrder(req, reserved.orderId, 'cancelled', { paymentState: 'none', ifPaymentState: ['pending'], cancelReason: 'checkout too slow' })
    // Its answer says "try again": a retry with the same key must not replay this cancelled order.
    await forgetClaim(req, claim.id)
    throw new CheckoutTooSlow()
  }

  // No answer: the hold may or may not exist. The settlement job asks the gateway after RESERVATION_TTL.
  const gateway = paymentGateway(req.payload)
  const outcome: AuthorizeOutcome | 'unknown' = await callGateway(
    (signal) => gateway.authorize({ amount: reserved.authorized, currency: env.currency, token: input.paymentToken, idempotencyKey: reserved.paymentKey }, signal),
    settingsOf(req.payload).payment.timeoutMs,
    (err) => req.payload.logger.warn(`Payment of order ${reserved.orderId} has no answer: ${err.message}`),
  )
  if (outcome !== 'unknown' && outcome.status === 'approved' && outcome.amount === reserved.authorized) {
    const paid = await markPaid(req, buyer, claim, reserved, outcome.authorizationId)
    if (paid) return paid
  } else if (outcome !== 'unknown') {
    await refuseAuthorization(req, reserved, outcome)
  }
  await finishClaim(req, claim)
  return answerFor(req, reserved.orderId)
}

/** Reserves the cart; when nothing could be reserved the claim is forgotten, so a retry (same key) runs afresh. */
async function reserveOrForgetClaim(req: PayloadRequest, buyer: Buyer, input: CheckoutInput, claimId: number, paymentKey: string): Promise<Reserved> {
  try {
    return await reserve(req, buyer, input, claimId, paymentKey)
  } catch (err) {
    await forgetClaim(req, claimId)
    if (err instanceof ShortOfStock) throw new OutOfStock(await shortLines(req, input.pickupPoint, err.lines))
    if (postgresCode(err) === QUERY_CANCELED) throw new CheckoutTooSlow() // a statement ran past the reservation's bound
    throw err
  }
}

/**
 * Paid (the amount held; the confirmation email due), the ordered products out of the cart, the claim
 * finished: one statement. Null when the job cancelled the order meanwhile: the late hold is released.
 */
async function markPaid(req: PayloadRequest, buyer: Buyer, claim: { id: number; keyed: boolean }, reserved: Reserved, authorizationId: string) {
  try {
    // One statement: paid (with its notice), the ordered products out of the cart, the claim finished.
    await transitionOrder(req, reserved.orderId, 'paid', {
      paymentState: 'authorized',
      authorizationId,
      ifPaymentState: ['pending'],
      alongWith: [orderedOutOfCart(buyer.id, reserved.orderId, ORDER_MOVED), claimFinished(claim, ORDER_MOVED)],
    })
    const view: OrderView = { ...reserved.view, status: 'paid' }
    return { order: view, qr: pickupQrDataUrl(view.pickupCode) }
  } catch (err) {
    if (!isConflict(err)) {
      await finishClaim(req, claim)
      throw err
    }
    await releaseLateHold(req, reserved.orderId, authorizationId)
    await settleMoney(req, reserved.orderId)
    return null
  }
}

/**
 * A declined authorization cancels the order. So does an approval of another amount than the order's: an
 * order is paid only by an authorization of its own amount, and whatever the gateway holds under its key
 * is released.
 */
async function refuseAuthorization(req: PayloadRequest, reserved: Reserved, outcome: AuthorizeOutcome) {
  if (outcome.status === 'declined') {
    await transitionOrder(req, reserved.orderId, 'cancelled', {
      paymentState: 'declined',
      declineReason: outcome.reason,
      ifPaymentState: ['pending'],
      cancelReason: 'payment declined',
    }).catch((err) => {
      if (!isConflict(err)) throw err // already settled by the job
    })
    return
  }
  req.payload.logger.error(`The gateway approved ${outcome.amount} for order ${reserved.orderId}, which asked for ${reserved.authorized}: cancelled, hold released`)
  await transitionOrder(req, reserved.orderId, 'cancelled', {
    paymentState: 'release_due',
    authorizationId: outcome.authorizationId,
    declineReason: 'amount_mismatch',
    ifPaymentState: ['pending'],
    cancelReason: 'payment declined',
  }).catch(async (err) => {
    if (!isConflict(err)) throw err
    await releaseLateHold(req, reserved.orderId, outcome.authorizationId)
  })
  await settleMoney(req, reserved.orderId)
}
