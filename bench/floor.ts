// The floor: the same database work as each HTTP scenario, done in raw SQL through `pg` at the same
// concurrency. Every HTTP figure is printed as a ratio to it.
import crypto from 'node:crypto'

import pg from 'pg'

export type Measured = { rps: number; p50: number; p99: number; errors: number; requests: number }

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0

/** Runs `op` on `connections` clients for `seconds`, like autocannon does over HTTP. */
export async function measureSql(
  databaseUrl: string,
  connections: number,
  seconds: number,
  op: (client: pg.PoolClient, i: number) => Promise<void>,
): Promise<Measured> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: connections })
  const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()))
  const latencies: number[] = []
  let errors = 0
  let firstError: Error | undefined
  let counter = 0
  const until = performance.now() + seconds * 1000
  const started = performance.now()
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < until) {
        const t = performance.now()
        try {
          await op(client, counter++)
          latencies.push(performance.now() - t)
        } catch (err) {
          errors++
          firstError ??= err as Error
          await client.query('ROLLBACK').catch(() => {})
        }
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  clients.forEach((c) => c.release())
  await pool.end()
  latencies.sort((a, b) => a - b)
  // A floor of 0 would make every ratio infinite: a broken floor must stop the run, not hide in the table.
  if (latencies.length === 0) throw new Error(`The raw SQL floor never succeeded: ${firstError?.message}`)
  return { rps: latencies.length / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors, requests: latencies.length }
}

// What a plain Payload list issues for GET /api/products?limit=24: a COUNT and the page.
export const cataloguePage = async (c: pg.PoolClient) => {
  await c.query('SELECT count(*) FROM products WHERE active = true')
  await c.query('SELECT * FROM products WHERE active = true ORDER BY created_at DESC LIMIT 24')
}
export const pageOnly = async (c: pg.PoolClient) => {
  await c.query('SELECT * FROM products WHERE active = true ORDER BY created_at DESC LIMIT 24')
}

export const productById = (skuOf: (i: number) => string) => async (c: pg.PoolClient, i: number) => {
  await c.query('SELECT * FROM products WHERE id = $1 AND active', [skuOf(i)])
}

export const cartUpsert = (buyerOf: (i: number) => number, skuOf: (i: number) => string) => async (c: pg.PoolClient, i: number) => {
  await c.query(
    `WITH cart AS (INSERT INTO carts (buyer_id) VALUES ($1) ON CONFLICT (buyer_id) DO UPDATE SET updated_at = now() RETURNING id)
     INSERT INTO cart_lines (cart_id, product_id, quantity) SELECT cart.id, $2, 1 FROM cart
     ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = cart_lines.quantity + EXCLUDED.quantity, updated_at = now()
     WHERE cart_lines.quantity + EXCLUDED.quantity <= 9999`,
    [buyerOf(i), skuOf(i)],
  )
}

export const cartView = (buyerOf: (i: number) => number) => async (c: pg.PoolClient, i: number) => {
  await c.query(
    `SELECT l.product_id, p.name, p.unit, p.quantity_step, l.quantity, p.price, p.active
     FROM carts c JOIN cart_lines l ON l.cart_id = c.id JOIN products p ON p.id = l.product_id
     WHERE c.buyer_id = $1 ORDER BY l.created_at, l.id`,
    [buyerOf(i)],
  )
}

/**
 * The reservation transaction of checkout: the order and its lines, then per line in SKU order a
 * conditional `reserved += 1` where enough is available, with its movement row.
 */
export const checkoutTransaction =
  (buyerOf: (i: number) => number, storeId: number, skusOf: (i: number) => string[]) => async (c: pg.PoolClient, i: number) => {
    const skus = [...skusOf(i)].sort()
    await c.query('BEGIN')
    const number = crypto.randomBytes(5).toString('hex')
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO orders (number, pickup_code, buyer_id, status, pickup_point_id, total, authorized, currency, contact_first_name,
         contact_last_name, contact_phone, payment_state, payment_key, expires_at)
       VALUES ($1, $1, $2, 'awaiting_payment', $3, 1000, 1000, 'RUB', 'A', 'B', '+79161234567', 'pending', $1, now() + interval '15 minutes')
       RETURNING id`,
      [`F-${number}`, buyerOf(i), storeId],
    )
    await c.query(
      `INSERT INTO order_lines (order_id, product_id, name, unit, quantity, unit_price, line_total)
       SELECT $1, s, 'x', 'pcs', 1, 1000, 1000 FROM unnest($2::text[]) s`,
      [rows[0]!.id, skus],
    )
    for (const s of skus) {
      const r = await c.query(
        `WITH r AS (UPDATE stock SET reserved = reserved + 1, updated_at = now()
                    WHERE product_id = $1 AND store_id = $2 AND on_hand - reserved >= 1 RETURNING id, product_id, store_id)
         INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta, order_id)
         SELECT id, product_id, store_id, 'reservation', 0, 1, $3 FROM r`,
        [s, storeId, rows[0]!.id],
      )
      if (r.rowCount === 0) throw new Error('short')
    }
    await c.query('COMMIT')
  }
