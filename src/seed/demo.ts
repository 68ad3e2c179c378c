// Demo data for a first development run: three pickup points, ~20 products with generated photos,
// stock in every shop, one admin and one buyer. Runs once per database (under a lock, so two processes
// starting together do not both seed).
import type { Payload } from 'payload'
import { sharp } from '../lib/sharp'

import { GRANT_ADMIN } from '../shop/roleAssignment'
import { milliToNumber, toMilli } from '../lib/quantity'
import { postgresOf } from '../db/adapter'

export const DEMO_ADMIN = { email: 'admin@100am.shop', password: 'orange-teapot-1977' }
export const DEMO_BUYER = { email: 'buyer@100am.shop', username: 'buyer', password: 'green-kettle-2718' }
/** A clerk at the first pickup point. */
export const DEMO_STAFF = { email: 'staff@100am.shop', username: 'staff', password: 'blue-scales-3141' }

const SEED_LOCK_KEY = 4_200_100_002

const STORES = [
  { name: '100am Тверская', address: 'Москва, ул. Тверская, 7', openingHours: '08:00–23:00' },
  { name: '100am Арбат', address: 'Москва, ул. Арбат, 24', openingHours: '09:00–22:00' },
  { name: '100am Невский', address: 'Санкт-Петербург, Невский пр., 48', openingHours: '08:00–22:00' },
]

type DemoProduct = { id: string; name: string; price: number; unit: 'pcs' | 'kg' | 'g' | 'l' | 'm'; step?: number; color: string }
const PRODUCTS: DemoProduct[] = [
  { id: 'MILK-32-1L', name: 'Молоко 3,2%, 1 л', price: 8990, unit: 'pcs', color: '#e8f1fb' },
  { id: 'KEFIR-1L', name: 'Кефир 2,5%, 1 л', price: 9490, unit: 'pcs', color: '#dfeef7' },
  { id: 'BUTTER-180', name: 'Масло сливочное 82%, 180 г', price: 18990, unit: 'pcs', color: '#f6e7a8' },
  { id: 'EGGS-C1-10', name: 'Яйца С1, 10 шт.', price: 11990, unit: 'pcs', color: '#f3e3cf' },
  { id: 'BREAD-BORODINSKY', name: 'Хлеб Бородинский', price: 5490, unit: 'pcs', color: '#6b4a32' },
  { id: 'BUCKWHEAT-900', name: 'Гречка ядрица, 900 г', price: 12990, unit: 'pcs', color: '#a9773f' },
  { id: 'RICE-900', name: 'Рис круглозёрный, 900 г', price: 11990, unit: 'pcs', color: '#f4f1e8' },
  { id: 'TEA-BLACK-100', name: 'Чай чёрный, 100 пак.', price: 24990, unit: 'pcs', color: '#7a2f1d' },
  { id: 'CHEESE-RUSSIAN', name: 'Сыр Российский', price: 89900, unit: 'kg', step: 0.1, color: '#f7d774' },
  { id: 'APPLES-GALA', name: 'Яблоки Гала', price: 19990, unit: 'kg', step: 0.1, color: '#d9412b' },
  { id: 'BANANAS', name: 'Бананы', price: 14990, unit: 'kg', step: 0.1, color: '#f2d43d' },
  { id: 'TOMATOES', name: 'Томаты', price: 29990, unit: 'kg', step: 0.1, color: '#e0442f' },
  { id: 'CUCUMBERS', name: 'Огурцы', price: 19990, unit: 'kg', step: 0.1, color: '#4f9a3c' },
  { id: 'POTATOES', name: 'Картофель', price: 4990, unit: 'kg', step: 0.5, color: '#c9a66b' },
  { id: 'CHICKEN-FILLET', name: 'Филе куриное', price: 49990, unit: 'kg', step: 0.1, color: '#f0c9b5' },
  { id: 'SALMON-FILLET', name: 'Филе лосося', price: 219900, unit: 'kg', step: 0.1, color: '#f08a5d' },
  { id: 'COFFEE-BEANS', name: 'Кофе в зёрнах', price: 149900, unit: 'kg', step: 0.25, color: '#4b2e20' },
  { id: 'CANDY-MIX', name: 'Конфеты ассорти (цена за 1 г)', price: 80, unit: 'g', step: 100, color: '#c2417a' },
  { id: 'KVASS-DRAFT', name: 'Квас разливной', price: 9900, unit: 'l', step: 0.5, color: '#8a5a2b' },
  { id: 'ROPE-JUTE', name: 'Верёвка джутовая', price: 4990, unit: 'm', step: 0.5, color: '#b89460' },
]

/** A plain picture for a product: its colour and a few shapes. Made locally; nothing is downloaded. */
async function productPhoto(product: DemoProduct): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800">
    <rect width="800" height="800" fill="#fafaf7"/>
    <circle cx="400" cy="380" r="250" fill="${product.color}"/>
    <rect x="120" y="660" width="560" height="60" rx="30" fill="#222" opacity="0.85"/>
  </svg>`
  return sharp(Buffer.from(svg)).png().toBuffer()
}

export async function seedDemoData(payload: Payload) {
  const pool = postgresOf(payload).pool
  const lock = await pool.connect()
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [SEED_LOCK_KEY])
    // Seeding is a server-side step, not a user's request: access is bypassed on purpose.
    const seeded = await payload.count({ collection: 'users', where: { email: { equals: DEMO_ADMIN.email } }, overrideAccess: true })
    if (seeded.totalDocs > 0) return
    payload.logger.info('Seeding demo data (first run)')

    const stores = []
    for (const store of STORES) {
      stores.push(await payload.create({ collection: 'stores', data: store, overrideAccess: true }))
    }
    for (const [i, product] of PRODUCTS.entries()) {
      const photo = await payload.create({
        collection: 'media',
        data: { alt: product.name },
        file: { data: await productPhoto(product), mimetype: 'image/png', name: `${product.id.toLowerCase()}.png`, size: 0 },
        overrideAccess: true,
      })
      await payload.create({
        collection: 'products',
        data: {
          id: product.id,
          name: product.name,
          price: product.price,
          unit: product.unit,
          quantityStep: product.step ?? 1,
          photo: photo.id,
          active: true,
        },
        overrideAccess: true,
      })
      for (const [s, store] of stores.entries()) {
        // A whole number of steps, multiplied in thousandths rather than in floating point; every third
        // row is low (a threshold above what is there), so the panel's low-stock list has something to show.
        const steps = BigInt(((i * 7 + s * 13) % 40) + 5)
        const onHand = milliToNumber(steps * toMilli(product.step ?? 1)!)
        await payload.create({
          collection: 'stock',
          data: { product: product.id, store: store.id, onHand, reserved: 0, ...((i + s) % 3 === 0 && { lowStockThreshold: milliToNumber(50n * toMilli(product.step ?? 1)!) }) },
          overrideAccess: true,
        })
      }
    }
    await payload.create({
      collection: 'users',
      data: { ...DEMO_ADMIN, role: 'admin', username: 'admin' },
      overrideAccess: true,
      context: { [GRANT_ADMIN]: true },
    })
    await payload.create({
      collection: 'users',
      data: { ...DEMO_BUYER, role: 'buyer', firstName: 'Анна', lastName: 'Покупателева', phone: '+79161234567' },
      overrideAccess: true,
    })
    await payload.create({
      collection: 'users',
      data: { ...DEMO_STAFF, role: 'staff', stores: [stores[0]!.id] },
      overrideAccess: true,
      context: { [GRANT_ADMIN]: true },
    })
    payload.logger.info('Demo data ready: the demo accounts are listed in the README')
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [SEED_LOCK_KEY]).catch(() => {})
    lock.release()
  }
}
