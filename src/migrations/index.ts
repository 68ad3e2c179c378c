import * as migration_20261126_152129_initial from './20261126_152129_initial';
import * as migration_20261126_152200_stock_guards from './20261126_152200_stock_guards';
import * as migration_20261126_153736_carts from './20261126_153736_carts';
import * as migration_20261126_153800_cart_guards from './20261126_153800_cart_guards';
import * as migration_20261126_160855_orders from './20261126_160855_orders';
import * as migration_20261126_160900_checkout_guards from './20261126_160900_checkout_guards';
import * as migration_20261126_170000_auth_rate_limit from './20261126_170000_auth_rate_limit';
import * as migration_20261126_233300_confirmation_outbox from './20261126_233300_confirmation_outbox';
import * as migration_20261126_233314_confirmation_task from './20261126_233314_confirmation_task';
import * as migration_20261129_205312_stock_ledger from './20261129_205312_stock_ledger';
import * as migration_20261129_212745_fulfilment from './20261129_212745_fulfilment';
import * as migration_20261129_234243_photo_storage from './20261129_234243_photo_storage';
import * as migration_20261130_000559_accounts from './20261130_000559_accounts';
import * as migration_20261130_000602_payload_lockout_off from './20261130_000602_payload_lockout_off';
import * as migration_20261130_001316_account_deletion from './20261130_001316_account_deletion';
import * as migration_20261202_032154_account_security from './20261202_032154_account_security';
import * as migration_20261202_070000_catalogue_search from './20261202_070000_catalogue_search';

export const migrations = [
  {
    up: migration_20261126_152129_initial.up,
    down: migration_20261126_152129_initial.down,
    name: '20261126_152129_initial',
  },
  {
    up: migration_20261126_152200_stock_guards.up,
    down: migration_20261126_152200_stock_guards.down,
    name: '20261126_152200_stock_guards',
  },
  {
    up: migration_20261126_153736_carts.up,
    down: migration_20261126_153736_carts.down,
    name: '20261126_153736_carts',
  },
  {
    up: migration_20261126_153800_cart_guards.up,
    down: migration_20261126_153800_cart_guards.down,
    name: '20261126_153800_cart_guards',
  },
  {
    up: migration_20261126_160855_orders.up,
    down: migration_20261126_160855_orders.down,
    name: '20261126_160855_orders',
  },
  {
    up: migration_20261126_160900_checkout_guards.up,
    down: migration_20261126_160900_checkout_guards.down,
    name: '20261126_160900_checkout_guards',
  },
  {
    up: migration_20261126_170000_auth_rate_limit.up,
    down: migration_20261126_170000_auth_rate_limit.down,
    name: '20261126_170000_auth_rate_limit',
  },
  {
    up: migration_20261126_233300_confirmation_outbox.up,
    down: migration_20261126_233300_confirmation_outbox.down,
    name: '20261126_233300_confirmation_outbox',
  },
  {
    up: migration_20261126_233314_confirmation_task.up,
    down: migration_20261126_233314_confirmation_task.down,
    name: '20261126_233314_confirmation_task',
  },
  {
    up: migration_20261129_205312_stock_ledger.up,
    down: migration_20261129_205312_stock_ledger.down,
    name: '20261129_205312_stock_ledger',
  },
  {
    up: migration_20261129_212745_fulfilment.up,
    down: migration_20261129_212745_fulfilment.down,
    name: '20261129_212745_fulfilment',
  },
  {
    up: migration_20261129_234243_photo_storage.up,
    down: migration_20261129_234243_photo_storage.down,
    name: '20261129_234243_photo_storage',
  },
  {
    up: migration_20261130_000559_accounts.up,
    down: migration_20261130_000559_accounts.down,
    name: '20261130_000559_accounts',
  },
  {
    up: migration_20261130_000602_payload_lockout_off.up,
    down: migration_20261130_000602_payload_lockout_off.down,
    name: '20261130_000602_payload_lockout_off',
  },
  {
    up: migration_20261130_001316_account_deletion.up,
    down: migration_20261130_001316_account_deletion.down,
    name: '20261130_001316_account_deletion',
  },
  {
    up: migration_20261202_032154_account_security.up,
    down: migration_20261202_032154_account_security.down,
    name: '20261202_032154_account_security'
  },
  {
    up: migration_20261202_070000_catalogue_search.up,
    down: migration_20261202_070000_catalogue_search.down,
    name: '20261202_070000_catalogue_search'
  },
];
