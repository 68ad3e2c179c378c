// Benchmark data, written straight into PostgreSQL (a benchmark of checkout should not spend its time
// creating 100k products through the API). Buyers are cloned from one registered through the API, so
// their password hashes are real and they log in through the API like anyone else.
import type pg from 'pg'

export const STORES = 3
export const sku = (n: number) => `P-${String(n).padStart(6, '0')}`

export async function seedStores(pool: pg.Pool) {
  await pool.query(`INSERT INTO stores (name, address, active)
                    SELECT 'Shop ' || g, 'Street ' || g, true FROM generate_series(1, ${STORES}) g`)
  const { rows } = await pool.query<{ id: number }>('SELECT id FROM stores ORDER BY id')
  return rows.map((r) => r.id)
}

/** Words of the generated product names: 20 kinds (a kind is 5 % of the catalogue), 25 qualities, 40 makers. */
export const KINDS = ['Молоко', 'Кефир', 'Сыр', 'Творог', 'Йогурт', 'Хлеб', 'Батон', 'Яблоки', 'Груши', 'Бананы', 'Томаты', 'Огурцы', 'Картофель', 'Морковь', 'Гречка', 'Рис', 'Макароны', 'Чай', 'Кофе', 'Конфеты']
const QUALITIES = ['фермерский', 'домашний', 'отборный', 'свежий', 'деревенский', 'классический', 'органический', 'сладкий', 'нежный', 'лёгкий', 'цельный', 'зерновой', 'молодой', 'сезонный', 'южный', 'северный', 'горный', 'луговой', 'вкусный', 'особый', 'премиальный', 'детский', 'столичный', 'любимый', 'праздничный']
const MAKERS = ['Вологодский', 'Простоквашино', 'Красная', 'Белая', 'Золотая', 'Сибирский', 'Уральский', 'Тверской', 'Алтайский', 'Кубанский', 'Рязанский', 'Мещерский', 'Волжский', 'Донской', 'Карельский', 'Псковский', 'Ярославский', 'Костромской', 'Калужский', 'Тульский', 'Орловский', 'Курский', 'Смоленский', 'Брянский', 'Липецкий', 'Тамбовский', 'Пензенский', 'Самарский', 'Казанский', 'Пермский', 'Вятский', 'Омский', 'Томский', 'Крымский', 'Ставропольский', 'Астраханский', 'Северный', 'Заречный', 'Луговой', 'Садовый']
const nameSql = `(ARRAY[${KINDS.map((w) => `'${w}'`).join(',')}])[1 + g % ${KINDS.length}] || ' ' ||
  (ARRAY[${QUALITIES.map((w) => `'${w}'`).join(',')}])[1 + (g / ${KINDS.length}) % ${QUALITIES.length}] || ' ' ||
  (ARRAY[${MAKERS.map((w) => `'${w}'`).join(',')}])[1 + (g / ${KINDS.length * QUALITIES.length}) % ${MAKERS.length}] || ' ' || g`

/** Products up to `total` (P-000001…, with Russian names like "Молоко фермерский Вологодский 20"), each with plenty of stock in every shop. */
export async function growCatalogue(pool: pg.Pool, total: number) {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM products')
  const from = rows[0]!.n + 1
  if (from > total) return
  await pool.query(
    `INSERT INTO products (id, name, price, unit, quantity_step, active)
     SELECT 'P-' || lpad(g::text, 6, '0'), ${nameSql}, 1000 + (g * 7919) % 49000,
            (CASE WHEN g % 3 = 0 THEN 'kg' ELSE 'pcs' END)::enum_products_unit,
            CASE WHEN g % 3 = 0 THEN 0.1 ELSE 1 END, true
     FROM generate_series($1::int, $2::int) g`,
    [from, total],
  )
  // Each row with its `initial` movement, as the API makes them (stock:verify holds on the bench database).
  await pool.query(
    `WITH s AS (
       INSERT INTO stock (product_id, store_id, on_hand)
       SELECT 'P-' || lpad(g::text, 6, '0'), s.id, 1000000 FROM generate_series($1::int, $2::int) g CROSS JOIN stores s
       RETURNING id, product_id, store_id, on_hand)
     INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta)
     SELECT id, product_id, store_id, 'initial', on_hand, 0 FROM s`,
    [from, total],
  )
  await pool.query('ANALYZE products; ANALYZE stock; ANALYZE stock_movements; ANALYZE catalogue_words')
}

/** `count` buyers (bench-<n>@bench.local) sharing the template buyer's password. */
export async function cloneBuyers(pool: pg.Pool, templateEmail: string, count: number) {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE email LIKE 'bench-%'")
  const from = rows[0]!.n + 1
  if (from <= count) {
    await pool.query(
      `INSERT INTO users (email, role, salt, hash)
       SELECT 'bench-' || g || '@bench.local', 'buyer', t.salt, t.hash
       FROM generate_series($1::int, $2::int) g, (SELECT salt, hash FROM users WHERE email = $3) t`,
      [from, count, templateEmail],
    )
    await pool.query('ANALYZE users')
  }
}

export const buyerEmail = (n: number) => `bench-${n}@bench.local`

/** Carts of `lines` products for the buyers (replacing what they had). */
export async function fillCarts(pool: pg.Pool, buyerIds: number[], skus: (buyerIndex: number) => string[], quantity = 1) {
  await pool.query('DELETE FROM cart_lines WHERE cart_id IN (SELECT id FROM carts WHERE buyer_id = ANY($1))', [buyerIds])
  await pool.query(
    `INSERT INTO carts (buyer_id) SELECT unnest($1::int[]) ON CONFLICT (buyer_id) DO NOTHING`,
    [buyerIds],
  )
  const owners: number[] = []
  const products: string[] = []
  buyerIds.forEach((id, i) => {
    for (const s of skus(i)) {
      owners.push(id)
      products.push(s)
    }
  })
  await pool.query(
    `INSERT INTO cart_lines (cart_id, product_id, quantity)
     SELECT c.id, l.sku, $3 FROM unnest($1::int[], $2::text[]) AS l(buyer, sku) JOIN carts c ON c.buyer_id = l.buyer
     ON CONFLICT (cart_id, product_id) DO NOTHING`,
    [owners, products, quantity],
  )
}

export async function buyerIds(pool: pg.Pool, emails: string[]) {
  const { rows } = await pool.query<{ id: number; email: string }>('SELECT id, email FROM users WHERE email = ANY($1)', [emails])
  const byEmail = new Map(rows.map((r) => [r.email, r.id]))
  return emails.map((e) => byEmail.get(e)!)
}

/** Logs buyers in through the API (a few at a time), returning their tokens. */
export async function logIn(url: string, emails: string[], password: string, parallel = 8): Promise<string[]> {
  const tokens: string[] = new Array(emails.length)
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < emails.length) {
        const i = next++
        const res = await fetch(`${url}/api/users/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: emails[i], password }),
        })
        if (!res.ok) throw new Error(`login of ${emails[i]} failed: ${res.status} ${await res.text()}`)
        tokens[i] = ((await res.json()) as { token: string }).token
      }
    }),
  )
  return tokens
}
