// The schema comes only from committed migrations, applied safely by several processes at once.
import { afterAll, describe, expect, it } from '@jest/globals'
import { createLocalReq, getPayload, type Migration } from 'payload'

import { buildShopConfig } from '../../src/config'
import { closePool, migrateDatabase } from '../../src/db/migrate'
import { pendingSchemaChanges } from '../../src/db/migrationDrift'
import { migrations } from '../../src/migrations'
import { closePaymentGateway } from '../../src/payments'
import { verifyStock } from '../../src/shop/stock'
import { createDatabaseFrom, dropDatabase, SERVER_ENV, withClient } from '../helpers/testDatabase'
import { startTestShop, type TestShop } from '../helpers/shop'

const serverUrl = process.env[SERVER_ENV]!
let shop: TestShop | undefined
afterAll(async () => {
  await shop?.stop()
})

describe('migrations', () => {
  it('fulfilment carries paid orders over as charged in full; assembling one charges nothing more and refunds what is lighter', async () => {
    const database = await createDatabaseFrom(serverUrl, null, 'shop_fulfilment')
    const payload = await getPayload({ config: buildShopConfig({ databaseUrl: database.url, poolMax: 3 }), key: 'fulfilment-migration' })
    try {
      const fulfilment = migrations.findIndex((m) => m.name.endsWith('_fulfilment'))
      expect(fulfilment).toBeGreaterThan(0)
      await payload.db.migrate({ migrations: migrations.slice(0, fulfilment) as unknown as Migration[] })
      await withClient(database.url, async (client) => {
        await client.query(`
          INSERT INTO stores (id, name, address) VALUES (1, 'One', 'a');
          INSERT INTO products (id, name, price, unit, quantity_step) VALUES ('HAM', 'Ham', 19990, 'kg', 0.1);
          INSERT INTO users (id, email, role, hash, salt) VALUES (1, 'b@example.com', 'buyer', 'x', 'y'), (2, 'a@example.com', 'admin', 'x', 'y');
          WITH s AS (INSERT INTO stock (product_id, store_id, on_hand, reserved) VALUES ('HAM', 1, 10, 1.5) RETURNING id)
          INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta)
            SELECT id, 'HAM', 1, 'initial'::enum_stock_movements_type, 10, 0 FROM s UNION ALL SELECT id, 'HAM', 1, 'reservation'::enum_stock_movements_type, 0, 1.5 FROM s;
          INSERT INTO orders (id, number, buyer_id, status, pickup_point_id, total, currency, contact_first_name, contact_last_name,
                              contact_phone, payment_state, payment_key, payment_charge_id, expires_at, paid_at)
          VALUES (1, 'AAAA-0001', 1, 'paid', 1, 29985, 'RUB', 'A', 'B', '+79161234567', 'charged', 'k1', 'ch_1', now(), now()),
                 (2, 'AAAA-0002', 1, 'cancelled', 1, 5000, 'RUB', 'A', 'B', '+79161234567', 'refunded', 'k2', 'ch_2', now(), now()),
                 (3, 'AAAA-0003', 1, 'cancelled', 1, 7000, 'RUB', 'A', 'B', '+79161234567', 'refund_due', 'k3', 'ch_3', now(), now()),
                 (4, 'AAAA-0004', 1, 'cancelled', 1, 9000, 'RUB', 'A', 'B', '+79161234567', 'declined', 'k4', NULL, now(), NULL);
          INSERT INTO order_lines (order_id, product_id, name, unit, quantity, unit_price, line_total) VALUES (1, 'HAM', 'Ham', 'kg', 1.5, 19990, 29985);
          INSERT INTO payment_stub_charges (idempotency_key, token, amount, currency, status, charge_id, refunded_at) VALUES
            ('k1', 'tok_visa', 29985, 'RUB', 'approved', 'ch_1', NULL), ('k2', 'tok_visa', 5000, 'RUB', 'approved', 'ch_2', now()),
            ('k3', 'tok_visa', 7000, 'RUB', 'approved', 'ch_3', NULL);`)
      })
      await payload.db.migrate({ migrations: migrations as unknown as Migration[] })
      await withClient(database.url, async (client) => {
        const { rows } = await client.query(
          `SELECT id, status::text, payment_state::text, total::text, authorized::text, captured::text, refunded::text, payment_authorization_id
           FROM orders ORDER BY id`,
        )
        expect(rows).toEqual([
          { id: 1, status: 'paid', payment_state: 'captured', total: '29985', authorized: '29985', captured: '29985', refunded: '0', payment_authorization_id: 'ch_1' },
          { id: 2, status: 'cancelled', payment_state: 'refunded', total: '5000', authorized: '5000', captured: '5000', refunded: '5000', payment_authorization_id: 'ch_2' },
          { id: 3, status: 'cancelled', payment_state: 'refund_due', total: '7000', authorized: '7000', captured: '7000', refunded: '0', payment_authorization_id: 'ch_3' },
          { id: 4, status: 'cancelled', payment_state: 'declined', total: '9000', authorized: '9000', captured: null, refunded: '0', payment_authorization_id: null },
        ])
        const { rows: ledger } = await client.query('SELECT idempotency_key, amount::text, captured::text, refunded::text FROM payment_stub_authorizations ORDER BY 1')
        expect(ledger).toEqual([
          { idempotency_key: 'k1', amount: '29985', captured: '29985', refunded: '0' },
          { idempotency_key: 'k2', amount: '5000', captured: '5000', refunded: '5000' },
          { idempotency_key: 'k3', amount: '7000', captured: '7000', refunded: '0' },
        ])
      })
      // Assembled lighter (1.43 kg): nothing more is captured, 13.99 comes back, the order is ready.
      const { assembleOrder } = await import('../../src/shop/assembly')
      const req = await createLocalReq({ user: { id: 2, role: 'admin', collection: 'users' } as never }, payload)
      const order = await assembleOrder(req, 1, [{ sku: 'HAM', quantity: 1.43 }], { id: 2 })
      expect(order).toMatchObject({ status: 'ready', payment_state: 'captured', total: '28586', captured: '29985', refunded: '1399' })
      await withClient(database.url, async (client) => {
        expect((await client.query("SELECT captured::text, refunded::text FROM payment_stub_authorizations WHERE idempotency_key = 'k1'")).rows).toEqual([
          { captured: '29985', refunded: '1399' },
        ])
        expect(await verifyStock((text) => client.query(text))).toEqual([])
      })
    } finally {
      await closePaymentGateway(payload)
      await payload.destroy()
      await closePool(payload)
      await dropDatabase(serverUrl, database.name)
    }
  })

  it('stock_ledger carries stock over without losing a unit: reserved = open orders, onHand = left + reserved', async () => {
    const database = await createDatabaseFrom(serverUrl, null, 'shop_ledger')
    const payload = await getPayload({ config: buildShopConfig({ databaseUrl: database.url, poolMax: 3 }), key: 'ledger-migration' })
    try {
      const ledger = migrations.findIndex((m) => m.name.endsWith('_stock_ledger'))
      expect(ledger).toBeGreaterThan(0)
      await payload.db.migrate({ migrations: migrations.slice(0, ledger) as unknown as Migration[] })
      await withClient(database.url, async (client) => {
        // The shop as it was: one stock number per row, and orders of every status.
        await client.query(`
          INSERT INTO stores (id, name, address) VALUES (1, 'One', 'a'), (2, 'Two', 'b');
          INSERT INTO products (id, name, price, unit, quantity_step) VALUES ('HAM', 'Ham', 19990, 'kg', 0.1), ('MILK', 'Milk', 8990, 'pcs', 1);
          INSERT INTO users (id, email, role, hash, salt) VALUES (1, 'b@example.com', 'buyer', 'x', 'y');
          INSERT INTO stock (product_id, store_id, quantity) VALUES ('HAM', 1, 8.5), ('MILK', 1, 3), ('MILK', 2, 0);
          INSERT INTO orders (id, number, buyer_id, status, pickup_point_id, total, currency, contact_first_name, contact_last_name,
                              contact_phone, payment_state, payment_key, expires_at)
          VALUES (1, 'AAAA-0001', 1, 'awaiting_payment', 1, 1, 'RUB', 'A', 'B', '+79161234567', 'pending', 'k1', now()),
                 (2, 'AAAA-0002', 1, 'paid', 1, 1, 'RUB', 'A', 'B', '+79161234567', 'charged', 'k2', now()),
                 (3, 'AAAA-0003', 1, 'collected', 1, 1, 'RUB', 'A', 'B', '+79161234567', 'charged', 'k3', now()),
                 (4, 'AAAA-0004', 1, 'cancelled', 1, 1, 'RUB', 'A', 'B', '+79161234567', 'refunded', 'k4', now()),
                 (5, 'AAAA-0005', 1, 'paid', 2, 1, 'RUB', 'A', 'B', '+79161234567', 'charged', 'k5', now());
          INSERT INTO order_lines (order_id, product_id, name, unit, quantity, unit_price, line_total) VALUES
            (1, 'HAM', 'Ham', 'kg', 1.5, 19990, 29985), (1, 'MILK', 'Milk', 'pcs', 1, 8990, 8990),
            (2, 'HAM', 'Ham', 'kg', 0.3, 19990, 5997),
            (3, 'HAM', 'Ham', 'kg', 2, 19990, 39980), (4, 'MILK', 'Milk', 'pcs', 5, 8990, 44950),
            (5, 'MILK', 'Milk', 'pcs', 2, 8990, 17980);`)
      })
      await payload.db.migrate({ migrations: migrations as unknown as Migration[] })
      await withClient(database.url, async (client) => {
        const { rows } = await client.query(
          'SELECT product_id, store_id, on_hand::text, reserved::text FROM stock ORDER BY store_id, product_id',
        )
        expect(rows).toEqual([
          { product_id: 'HAM', store_id: 1, on_hand: '10.3', reserved: '1.8' }, // 8.5 left + 1.5 + 0.3 open
          { product_id: 'MILK', store_id: 1, on_hand: '4', reserved: '1' },
          { product_id: 'MILK', store_id: 2, on_hand: '2', reserved: '2' },
        ])
        expect(await verifyStock((text) => client.query(text))).toEqual([])
        const { rows: moves } = await client.query('SELECT type::text, count(*)::int AS n FROM stock_movements GROUP BY type ORDER BY type')
        expect(moves).toEqual([{ type: 'initial', n: 3 }, { type: 'reservation', n: 4 }])
      })
    } finally {
      await payload.destroy()
      await closePool(payload)
      await dropDatabase(serverUrl, database.name)
    }
  })

  it('account_security makes the ledger forget buyers (staff and admins kept) and leaves every account active (#17)', async () => {
    const database = await createDatabaseFrom(serverUrl, null, 'shop_account_security')
    const payload = await getPayload({ config: buildShopConfig({ databaseUrl: database.url, poolMax: 3 }), key: 'account-security-migration' })
    try {
      const security = migrations.findIndex((m) => m.name.endsWith('_account_security'))
      expect(security).toBeGreaterThan(0)
      await payload.db.migrate({ migrations: migrations.slice(0, security) as unknown as Migration[] })
      await withClient(database.url, async (client) => {
        await client.query(`
          INSERT INTO stores (id, name, address) VALUES (1, 'One', 'a');
          INSERT INTO products (id, name, price, unit, quantity_step) VALUES ('MILK', 'Milk', 8990, 'pcs', 1);
          INSERT INTO users (id, email, role, hash, salt) VALUES (1, 'b@example.com', 'buyer', 'x', 'y'), (2, 's@example.com', 'staff', 'x', 'y'), (3, 'a@example.com', 'admin', 'x', 'y');
          INSERT INTO stock (id, product_id, store_id, on_hand, reserved) VALUES (1, 'MILK', 1, 10, 0);
          INSERT INTO stock_movements (stock_id, product_id, store_id, type, on_hand_delta, reserved_delta, by_id) VALUES
            (1, 'MILK', 1, 'initial', 10, 0, 3), (1, 'MILK', 1, 'reservation', 0, 1, NULL), (1, 'MILK', 1, 'release', 0, -1, 1),
            (1, 'MILK', 1, 'receipt', 2, 0, 2), (1, 'MILK', 1, 'write_off', -2, 0, 2);`)
      })
      await payload.db.migrate({ migrations: migrations as unknown as Migration[] })
      await withClient(database.url, async (client) => {
        const { rows } = await client.query('SELECT type::text, by_id FROM stock_movements ORDER BY id')
        expect(rows).toEqual([
          { type: 'initial', by_id: 3 },
          { type: 'reservation', by_id: null },
          { type: 'release', by_id: null },
          { type: 'receipt', by_id: 2 },
          { type: 'write_off', by_id: 2 },
        ])
        expect((await client.query('SELECT id, active FROM users ORDER BY id')).rows).toEqual([
          { id: 1, active: true },
          { id: 2, active: true },
          { id: 3, active: true },
        ])
      })
    } finally {
      await payload.destroy()
      await closePool(payload)
      await dropDatabase(serverUrl, database.name)
    }
  })

  it('cover every change in the config (run `npm run migrate:create -- <name>` if this fails)', async () => {
    shop = await startTestShop()
    const statements = await pendingSchemaChanges(shop.payload)
    expect(statements).toEqual([])
  })

  it('can be applied by two processes at once on an empty database', async () => {
    const database = await createDatabaseFrom(serverUrl, null, 'shop_migrate')
    try {
      const instances = await Promise.all(
        ['a', 'b'].map((key) => getPayload({ config: buildShopConfig({ databaseUrl: database.url, poolMax: 3 }), key })),
      )
      await Promise.all(instances.map((payload) => migrateDatabase(payload)))
      await withClient(database.url, async (client) => {
        const { rows } = await client.query('SELECT name, batch FROM payload_migrations ORDER BY name')
        const names = rows.map((r) => r.name)
        expect(new Set(names).size).toBe(names.length) // each migration recorded once
        expect(names.length).toBeGreaterThanOrEqual(2)
        const { rows: tables } = await client.query("SELECT to_regclass('public.stock') AS t")
        expect(tables[0].t).toBe('stock')
      })
      for (const payload of instances) {
        await payload.destroy()
        await closePool(payload)
      }
    } finally {
      await dropDatabase(serverUrl, database.name)
    }
  })
})
