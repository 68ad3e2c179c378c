// Builds the Payload config. `payload.config.ts` calls it with the configured database; tests call it
// with a database of their own.
import path from 'node:path'

import { postgresAdapter } from '@payloadcms/db-postgres'
import { lexicalEditor } from '@payloadcms/richtext-lexical'
import { en } from '@payloadcms/translations/languages/en'
import { ru } from '@payloadcms/translations/languages/ru'
import { buildConfig } from 'payload'
import type { DestinationStream } from 'pino'
import { sharp } from './lib/sharp'

import { CartLines } from './collections/cartLines'
import { Carts } from './collections/carts'
import { LoginThrottles } from './collections/loginThrottles'
import { Media } from './collections/media'
import { MEDIA_MAX_BYTES } from './shop/rules'
import { photoStorage } from './collections/media/storage'
import { OrderLines } from './collections/orderLines'
import { Orders } from './collections/orders'
import { Products } from './collections/products'
import { Stock } from './collections/stock'
import { StockMovements } from './collections/stockMovements'
import { Stores } from './collections/stores'
import { Users } from './collections/users'
import { shopEmailAdapter } from './email/adapter'
import { env, projectRoot } from './env'
import { restrictInternalCollections } from './access/internalCollections'
import { createShopLogger } from './logging'
import { rootEndpoints, withCollectionRoutes } from './api/routes'
import { type SettingsOverrides, shopSettings } from './settings'
import { adminTranslations } from './i18n/adminTranslations'
import { shopJobs } from './jobs'
import { mapInfrastructureErrors } from './shop/errorResponses'
import { databaseAwareAuth } from './shop/auth/databaseAwareAuth'
import { cacheCatalogueTotals } from './shop/catalogueCount'

// From the project root, not this file's URL: the production server runs bundled, from dist/ and dist/chunks/.
const srcDir = path.join(projectRoot, 'src')

export type ShopConfigOptions = {
  databaseUrl: string | undefined
  poolMax?: number
  /** Where log lines go (stdout when unset; tests capture them). */
  logDestination?: DestinationStream
  logLevel?: string
  /** Run the job queues on their crons (in the server; tests run jobs themselves). */
  autoRunJobs?: boolean
  /** This instance's own settings, over those of the environment (src/settings.ts). */
  settings?: SettingsOverrides
}

/** The shop's own collections; every other one is Payload's (see restrictInternalCollections). */
const collections = [Users, LoginThrottles, Media, Products, Stores, Stock, StockMovements, Carts, CartLines, Orders, OrderLines].map(withCollectionRoutes)

export async function buildShopConfig({ databaseUrl, poolMax = env.dbPoolMax, autoRunJobs = !env.isTest, logDestination, logLevel = env.logLevel, settings }: ShopConfigOptions) {
  const config = await buildConfig({
    secret: env.secret,
    // Requests that sign in with the auth cookie count only from the shop's own origin (SERVER_URL) and the
    // storefronts in CORS_ORIGINS: from any other Origin (or, without one, a browser's `Sec-Fetch-Site`
    // other than same-origin, same-site or none, or no such header at all) Payload ignores the cookie, and
    // the request is anonymous. Bearer and JWT headers are not affected: no browser sends them by itself.
    // `serverURL` stays unset: it would make photo URLs absolute and pin the panel's API calls to that one
    // address; the allowlist gives the same protection.
    csrf: [env.origins.own, ...env.origins.cors],
    // Which other origins may read the answers (with credentials): the storefronts only.
    cors: [...env.origins.cors],
    admin: {
      user: Users.slug,
      importMap: { baseDir: srcDir, importMapFile: path.join(srcDir, 'app', '(payload)', 'admin', 'importMap.js') },
      meta: { titleSuffix: '— 100am shop' },
      avatar: 'default', // not Gravatar: the panel would send every admin's email hash to a third party
      dateFormat: 'Pp', // date and time, in the panel language's own order: 29.11.2026, 21:05
      components: {
        beforeDashboard: ['/admin/dashboard/Today#Today', '/admin/LowStock#LowStock', '/admin/dashboard/NearHold#NearHold'],
        afterNavLinks: ['/admin/nav/ShopNav#ShopNav'],
        graphics: { Logo: '/admin/Brand#Logo', Icon: '/admin/Brand#Icon' },
        views: {
          pickupDesk: { Component: '/admin/pickup/PickupDeskView#PickupDeskView', path: '/pickup', exact: true, meta: { title: 'Pickup desk' } },
          ordersQueue: { Component: '/admin/orders/OrdersQueueView#OrdersQueueView', path: '/orders-queue', exact: true, meta: { title: 'Orders to assemble' } },
        },
      },
    },
    collections,
    editor: lexicalEditor(),
    db: postgresAdapter({
      pool: { connectionString: databaseUrl, max: poolMax },
      // The schema comes only from committed migrations, applied at start (src/db/migrate.ts).
      push: false,
      migrationDir: path.join(srcDir, 'migrations'),
    }),
    sharp,
    graphQL: { disable: true }, // the storefront uses REST; one API surface to secure
    i18n: { supportedLanguages: { en, ru }, fallbackLanguage: 'en', translations: adminTranslations },
    upload: { limits: { fileSize: MEDIA_MAX_BYTES } },
    typescript: { outputFile: path.join(srcDir, 'payload-types.ts'), autoGenerate: false },
    telemetry: false,
    logger: createShopLogger({ level: logLevel, destination: logDestination }),
    // A client's mistake is not a server error: logged at info level, without a stack trace (Payload's own
    // errors by name here; every other 4xx is moved to warn by the logger, see src/logging.ts).
    loggingLevels: Object.fromEntries(
      [
        'AuthenticationError', 'BadRequest', 'Conflict', 'Forbidden', 'LockedAuth', 'NotFound',
        'QueryError', 'Unauthorized', 'UnauthorizedError', 'ValidationError', 'FileUploadError', 'MissingFile',
        'OutOfStock', 'TotalChanged', 'PaymentDeclined', 'PaymentPending', 'IdempotencyKeyReused', 'TooManyRequests',
      ].map((name) => [name, 'info' as const]),
    ),
    endpoints: rootEndpoints(), // a fresh array: Payload appends its own endpoints to it
    jobs: shopJobs({ autoRun: autoRunJobs }),
    custom: shopSettings(settings),
    email: shopEmailAdapter(),
    hooks: { afterError: [mapInfrastructureErrors] },
    // A catalogue list's total is kept as long as the catalogue is (src/shop/catalogueCount.ts).
    onInit: (payload) => cacheCatalogueTotals(payload, env.catalogueCacheMs),
    plugins: [photoStorage()],
  }).then(databaseAwareAuth) // a token that cannot be checked for a lost database: 503, not 401
  // Payload adds its own collections while sanitizing, after the plugins: their access is set here.
  return restrictInternalCollections(config, collections.map((c) => c.slug))
}
