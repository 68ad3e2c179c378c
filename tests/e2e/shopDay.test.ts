// A shop's day in the panel, in Chromium against the production build: the admin makes a clerk's account
// in the panel; the clerk sees only their pickup point's orders, assembles a weighed order (1.5 kg ordered,
// 1.43 kg weighed: the total changes before confirming), hands it over at the pickup desk by the typed
// code, and another order by showing its QR code to the (fake) camera; a second hand-over and a forged code
// are refused with the reason; a clerk of another pickup point is refused. No answer the browsers received
// carries the buyer's name, phone or email. Screens in English and Russian, desktop and phone, go to
// test-artifacts/e2e/shop-day/.
import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

import { artifactsFor, findSecrets, pageContent, panelContext, qrCodeVideo, shopContext, stepper } from './browser'
import { CHROMIUM, type E2EShop, type Rest, type RunningServer, startE2EShop } from './harness'

const HOOK_TIMEOUT = 240_000
const dir = artifactsFor('shop-day')
const step = stepper(dir)

const ADMIN = { email: 'day-admin@example.com', password: 'day admin password 1' }
const CLERK = { email: 'clerk.sadovaya@example.com', username: 'clerk-sadovaya', password: 'clerk password 1' }
const OTHER_CLERK = { email: 'clerk.vokzal@example.com', username: 'clerk-vokzal', password: 'other clerk password 1' }
const BUYER = {
  email: 'vasilisa.vzveshennaya.e2e@example.com',
  username: 'day-buyer',
  password: 'day buyer password 1',
  firstName: 'Василиса',
  lastName: 'Взвешенная',
  phone: '+79035557788',
}
const BUYER_SECRETS = [BUYER.firstName, BUYER.lastName, BUYER.phone, BUYER.phone.slice(1), BUYER.phone.slice(2), BUYER.email, BUYER.username]
const STORE = { name: 'Лавка на Садовой', address: 'Москва, Садовая ул., 3' }
const OTHER_STORE = { name: 'Лавка у вокзала', address: 'Москва, Вокзальная пл., 1' }
const APPLES = { id: 'DAY-APPLES', name: 'Яблоки Антоновка', price: 19990, unit: 'kg', quantityStep: 0.1 }
const MILK = { id: 'DAY-MILK', name: 'Молоко 2,5%', price: 8990, unit: 'pcs', quantityStep: 1 }

type PlacedOrder = { id: number; number: string; pickupCode: string; qr: string }

let shop: E2EShop
let server: RunningServer
let rest: Rest
let workDir: string
let browser: Browser | undefined
let adminToken: string
let buyerToken: string
let store: number
let otherStore: number
let weighed: PlacedOrder // 1.5 kg of apples and 2 milk at the clerk's store
let scanned: PlacedOrder // 1 milk at the clerk's store, handed over by its QR code
let elsewhere: PlacedOrder // at the other store
const record = { responses: [] as Promise<{ url: string; text: string }>[], external: [] as string[] }

async function placeOrder(pickupPoint: number, items: Array<{ sku: string; quantity: number }>): Promise<PlacedOrder> {
  for (const item of items) await rest.expect(200, 'POST', '/api/cart/items', { token: buyerToken, body: item })
  const { order, qr } = await rest.expect(201, 'POST', '/api/checkout', {
    token: buyerToken,
    body: { pickupPoint, contact: { firstName: BUYER.firstName, lastName: BUYER.lastName, phone: BUYER.phone }, paymentToken: 'tok_visa' },
  })
  expect(order.status).toBe('paid')
  return { id: order.id, number: order.number, pickupCode: order.pickupCode, qr }
}

const orderAsAdmin = (id: number) => rest.expect(200, 'GET', `/api/orders/${id}?depth=0`, { token: adminToken })
const stockOf = async (sku: string, at: number) =>
  (await rest.expect(200, 'GET', `/api/stock?where[product][equals]=${sku}&where[store][equals]=${at}&depth=0`, { token: adminToken })).docs[0]

const clerkContext = (login: { email: string; password: string }, locale: 'en-US' | 'ru-RU', screen: 'desktop' | 'phone', b = browser!) =>
  panelContext(b, server.base, login, locale, screen, record)

async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${server.base}${url}`)
  return page
}

beforeAll(async () => {
  shop = await startE2EShop('shop_day', ADMIN, path.join(dir, 'server.log'))
  ;({ server, rest, workDir } = shop)

  adminToken = await rest.login(ADMIN.email, ADMIN.password)
  store = (await rest.expect(201, 'POST', '/api/stores', { token: adminToken, body: STORE })).doc.id
  otherStore = (await rest.expect(201, 'POST', '/api/stores', { token: adminToken, body: OTHER_STORE })).doc.id
  for (const product of [APPLES, MILK]) {
    await rest.expect(201, 'POST', '/api/products', { token: adminToken, body: product })
    for (const at of [store, otherStore]) {
      await rest.expect(201, 'POST', '/api/stock', { token: adminToken, body: { product: product.id, store: at, onHand: 20 } })
    }
  }
  await rest.expect(201, 'POST', '/api/users', { token: adminToken, body: { ...OTHER_CLERK, role: 'staff', stores: [otherStore] } })
  await rest.expect(201, 'POST', '/api/users', { body: BUYER })
  buyerToken = await rest.login(BUYER.email, BUYER.password)
  weighed = await placeOrder(store, [
    { sku: APPLES.id, quantity: 1.5 },
    { sku: MILK.id, quantity: 2 },
  ])
  scanned = await placeOrder(store, [{ sku: MILK.id, quantity: 1 }])
  elsewhere = await placeOrder(otherStore, [{ sku: MILK.id, quantity: 1 }])

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] })
}, HOOK_TIMEOUT)

afterAll(async () => {
  await browser?.close().catch(() => {})
  await shop?.stop()
}, HOOK_TIMEOUT)

describe("a shop's day in the panel", () => {
  test("the login page carries the shop's name and mark, not Payload's", async () => {
    const context = await shopContext(browser!, server.base, { locale: 'ru-RU', screen: 'phone' }, record)
    try {
      const page = await openPage(context, '/admin/login')
      await step(page, '00-login-ru-phone', async () => {
        await page.locator('svg.shop-logo').waitFor()
        await page.getByRole('button', { name: 'Войти' }).waitFor()
      })
      expect(await page.title()).toContain('100am shop')
      expect((await pageContent(page)).html).not.toMatch(/class="graphic-(logo|icon)"/)
    } finally {
      await context.close()
    }
  })

  test("the admin makes the clerk's account in the panel: role and pickup point", async () => {
    const context = await clerkContext(ADMIN, 'en-US', 'desktop')
    const page = await context.newPage()
    try {
      await step(page, '01-admin-new-clerk', async () => {
        await page.goto(`${server.base}/admin/collections/users/create`)
        // The form's first state from the server must be in before a field changes: under load it came
        // after the role was chosen, and "Works at" never appeared (a CI run on a busy machine).
        await page.waitForLoadState('networkidle')
        await page.getByLabel('Email').fill(CLERK.email)
        await page.getByLabel('Username').fill(CLERK.username)
        await page.getByLabel('New Password').fill(CLERK.password)
        await page.getByLabel('Confirm Password').fill(CLERK.password)
        const chooseRole = async (name: string) => {
          await page.locator('#field-role').getByRole('combobox').click()
          await page.getByRole('option', { name }).click()
        }
        // "Works at" appears once the role is staff (Payload evaluates the field's condition on the server).
        // Even after networkidle, on a busy machine the role has read "Shop staff" with no "Works at" below it
        // (CI, 2026-12-02: a form state from before the choice landed after it). A person would choose the
        // role again; so does this.
        await chooseRole('Shop staff')
        if (!(await page.locator('#field-stores').waitFor({ timeout: 15_000 }).then(() => true, () => false))) {
          await chooseRole('Buyer')
          await chooseRole('Shop staff')
        }
        await page.locator('#field-stores').getByRole('combobox').click()
        await page.getByRole('option', { name: STORE.name }).click()
        await page.locator('#field-stores .relationship--multi-value-label__text', { hasText: STORE.name }).waitFor()
      })
      await step(page, '02-admin-clerk-saved', async () => {
        const saved = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/users' && r.request().method() === 'POST')
        await page.getByRole('button', { name: 'Save' }).click()
        expect((await saved).status()).toBe(201)
        await page.waitForURL((url) => /^\/admin\/collections\/users\/\d+$/.test(url.pathname))
      })
    } finally {
      await context.close()
    }
    const found = await rest.expect(200, 'GET', `/api/users?where[username][equals]=${CLERK.username}&depth=0`, { token: adminToken })
    expect(found.docs).toHaveLength(1)
    expect(found.docs[0]).toMatchObject({ role: 'staff', stores: [store] })
    // The clerk can log in with what the admin typed.
    expect(typeof (await rest.login(CLERK.email, CLERK.password))).toBe('string')
  })

  test("the clerk sees the day on the dashboard and only their pickup point's orders", async () => {
    const context = await clerkContext(CLERK, 'en-US', 'desktop')
    try {
      const dashboard = await openPage(context, '/admin')
      await step(dashboard, '03-clerk-dashboard-en', async () => {
        await dashboard.getByRole('heading', { name: 'Today', exact: true }).waitFor()
        await dashboard.locator('#nav-shop-pickup').waitFor()
        await dashboard.locator('#nav-shop-orders-queue').waitFor()
      })
      const today = await dashboard.locator('section.today').innerText()
      expect(today).toContain(STORE.name)
      expect(today).not.toContain(OTHER_STORE.name)

      const queue = await openPage(context, '/admin/orders-queue')
      await step(queue, '04-clerk-orders-queue-en', async () => {
        await queue.getByRole('heading', { name: 'Orders to assemble', level: 1 }).waitFor()
      })
      const toAssemble = await queue.locator('section[aria-labelledby="to-assemble"] tr[data-order]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-order')))
      // Oldest first, and not the other pickup point's.
      expect(toAssemble).toEqual([weighed.number, scanned.number])

      const list = await openPage(context, '/admin/collections/orders')
      await step(list, '05-clerk-orders-list-en', async () => {
        await list.getByRole('link', { name: weighed.number }).first().waitFor()
      })
      const { text } = await pageContent(list)
      expect(text).toContain(scanned.number)
      expect(text).not.toContain(elsewhere.number)
      expect(text).toContain('479.65') // 1.5 × 199.90 + 2 × 89.90, as money

      // Stock: their pickup point's rows, with what is on hand and reserved.
      const stock = await openPage(context, '/admin/collections/stock')
      await step(stock, '05b-clerk-stock-en', async () => {
        await stock.getByRole('link', { name: APPLES.name }).first().waitFor()
      })
      const stockText = (await pageContent(stock)).text
      expect(stockText).toContain(STORE.name)
      expect(stockText).not.toContain(OTHER_STORE.name)

      // The other pickup point's order, by its address: not found for this clerk.
      const direct = await openPage(context, `/admin/collections/orders/${elsewhere.id}`)
      await direct.waitForLoadState('networkidle')
      expect((await pageContent(direct)).text).not.toContain(elsewhere.number)
    } finally {
      await context.close()
    }
  })

  test('assembles the weighed order: 1.43 kg of the 1.5 kg ordered, the new total shown before confirming', async () => {
    const context = await clerkContext(CLERK, 'en-US', 'desktop')
    const applesBefore = await stockOf(APPLES.id, store)
    try {
      const page = await openPage(context, `/admin/collections/orders/${weighed.id}`)
      const total = page.getByTestId('assembly-total')
      await step(page, '06-assembly-en', async () => {
        await page.getByRole('heading', { name: weighed.number }).waitFor()
        await total.getByText('₽479.65').waitFor()
        await page.getByLabel(`Picked: ${APPLES.name}`).fill('1.43')
        // 1.43 × 199.90 = 285.857 → 285.86, plus the milk: the total the buyer will pay, before any click.
        await total.getByText('₽465.66').waitFor()
      })
      expect((await orderAsAdmin(weighed.id)).status).toBe('paid') // nothing sent yet
      // More than the hold allows is refused on the spot, where it belongs.
      await page.getByLabel(`Picked: ${APPLES.name}`).fill('1.7')
      await page.locator(`tr[data-sku="${APPLES.id}"]`).getByRole('alert').waitFor()
      expect(await page.getByRole('button', { name: 'Ready for pickup' }).isDisabled()).toBe(true)
      await page.getByLabel(`Picked: ${APPLES.name}`).fill('1.43')
      await step(page, '07-assembled-en', async () => {
        const ready = page.waitForResponse((r) => r.url().endsWith(`/api/orders/${weighed.id}/ready`))
        await page.getByRole('button', { name: 'Ready for pickup' }).click()
        expect((await ready).status()).toBe(200)
        await page.waitForLoadState('load')
        await page.locator('#field-status').getByText('Ready for pickup').waitFor()
        await page.getByRole('link', { name: /^Hand it over at the pickup desk/ }).waitFor()
        // The lines now say what was weighed.
        await page.getByRole('row').filter({ hasText: APPLES.name }).getByText('1.43 kg').waitFor()
      })
    } finally {
      await context.close()
    }
    const order = await orderAsAdmin(weighed.id)
    expect(order).toMatchObject({ status: 'ready', total: 46566 })
    // The 0.07 kg not picked is free again; the 1.43 kg stay reserved until the buyer takes them.
    const applesAfter = await stockOf(APPLES.id, store)
    expect(applesAfter.reserved).toBeCloseTo(applesBefore.reserved - 0.07, 3)
    expect(applesAfter.onHand).toBe(applesBefore.onHand)
  })

  test('a clerk of another pickup point is refused at the desk, and nothing changes', async () => {
    // The second order is made ready (by the admin, through the API) so only the store is wrong.
    await rest.expect(200, 'POST', `/api/orders/${scanned.id}/ready`, { token: adminToken, body: { lines: [] } })
    const context = await clerkContext(OTHER_CLERK, 'ru-RU', 'phone')
    try {
      const page = await openPage(context, '/admin/pickup')
      await step(page, '08-other-clerk-refused-ru-phone', async () => {
        await page.getByRole('heading', { name: 'Выдача заказов' }).first().waitFor()
        await page.getByText(OTHER_STORE.name).first().waitFor() // their only store, preselected
        await page.getByLabel('Код выдачи').fill(scanned.pickupCode)
        await page.getByRole('button', { name: 'Найти заказ' }).click()
        await page.getByRole('alert').getByText(`Этот заказ выдаётся в пункте «${STORE.name}», не здесь.`).waitFor()
      })
      expect(await page.getByRole('button', { name: 'Выдать' }).count()).toBe(0)
      // Straight to the API with the same code: refused too.
      const answer = await page.evaluate(async (code) => {
        const res = await fetch('/api/pickup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }), credentials: 'include' })
        return { status: res.status, body: await res.json() }
      }, scanned.pickupCode)
      expect(answer.status).toBe(409)
      expect(answer.body.errors[0].data.reason).toBe('other_store')
    } finally {
      await context.close()
    }
    expect((await orderAsAdmin(scanned.id)).status).toBe('ready')
  })

  test('hands the weighed order over by the typed code (Russian, phone); a second hand-over and a forged code are refused', async () => {
    const context = await clerkContext(CLERK, 'ru-RU', 'phone')
    try {
      const page = await openPage(context, '/admin/pickup')
      await step(page, '09-pickup-desk-ru-phone', async () => {
        await page.getByRole('heading', { name: 'Выдача заказов' }).first().waitFor()
        await page.getByText(STORE.name).first().waitFor()
      })
      await step(page, '10-pickup-forged-ru-phone', async () => {
        await page.getByLabel('Код выдачи').fill(`${weighed.pickupCode.slice(0, -1)}Q`)
        await page.getByRole('button', { name: 'Найти заказ' }).click()
        await page.getByRole('alert').getByText('Это не наш код выдачи (опечатка или подделка).').waitFor()
      })
      await step(page, '11-pickup-found-ru-phone', async () => {
        await page.getByLabel('Код выдачи').fill(weighed.pickupCode)
        await page.getByRole('button', { name: 'Найти заказ' }).click()
        const found = page.getByRole('region', { name: `Заказ ${weighed.number}` })
        await found.waitFor()
        await found.getByText('1,43 кг').waitFor() // what was weighed, in the clerk's language
        await found.getByText('465,66 ₽').waitFor()
      })
      expect((await orderAsAdmin(weighed.id)).status).toBe('ready') // looking it up changes nothing
      await step(page, '12-pickup-handed-over-ru-phone', async () => {
        const handOver = page.waitForResponse((r) => r.url().endsWith('/api/pickup') && r.request().method() === 'POST')
        await page.getByRole('button', { name: 'Выдать' }).click()
        expect((await handOver).status()).toBe(200)
        await page.getByRole('status').getByText(`Заказ ${weighed.number} выдан.`).waitFor()
      })
      expect((await orderAsAdmin(weighed.id)).status).toBe('collected')
      const milk = await stockOf(MILK.id, store)
      await step(page, '13-pickup-again-ru-phone', async () => {
        await page.getByLabel('Код выдачи').fill(weighed.pickupCode)
        await page.getByRole('button', { name: 'Найти заказ' }).click()
        await page.getByRole('alert').getByText('Этот заказ уже выдан.').waitFor()
      })
      expect(await page.getByRole('button', { name: 'Выдать' }).count()).toBe(0)
      expect(await stockOf(MILK.id, store)).toMatchObject({ onHand: milk.onHand, reserved: milk.reserved })
    } finally {
      await context.close()
    }
  })

  test("hands the other order over by showing its QR code to the camera", async () => {
    // Chromium's fake camera plays a video made from the QR code the buyer got at checkout.
    const video = path.join(workDir, 'qr.y4m')
    await qrCodeVideo(Buffer.from(scanned.qr.replace(/^data:image\/png;base64,/, ''), 'base64'), video)
    const cameraBrowser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    })
    try {
      const context = await clerkContext(CLERK, 'en-US', 'phone', cameraBrowser)
      await context.grantPermissions(['camera'], { origin: server.base })
      const page = await openPage(context, '/admin/pickup')
      await step(page, '14-pickup-camera-en-phone', async () => {
        await page.getByRole('button', { name: 'Scan with the camera' }).click()
        const found = page.getByRole('region', { name: `Order ${scanned.number}` })
        await found.waitFor({ timeout: 30_000 })
        // The code read from the picture is the order's, as if typed.
        expect(await page.getByLabel('Pickup code').inputValue()).toBe(scanned.pickupCode)
      })
      await step(page, '15-pickup-camera-handed-over-en-phone', async () => {
        await page.getByRole('button', { name: 'Hand over' }).click()
        await page.getByRole('status').getByText(`Order ${scanned.number} is handed over.`).waitFor()
      })
    } finally {
      await cameraBrowser.close()
    }
    expect((await orderAsAdmin(scanned.id)).status).toBe('collected')
  })

  test('every screen, in both languages, on a desktop and a phone', async () => {
    const screens = [
      ['dashboard', '/admin'],
      ['orders-queue', '/admin/orders-queue'],
      ['orders', '/admin/collections/orders'],
      ['order', `/admin/collections/orders/${weighed.id}`],
      ['pickup-desk', '/admin/pickup'],
      ['stock', '/admin/collections/stock'],
    ] as const
    for (const [locale, screen] of [
      ['en-US', 'desktop'],
      ['ru-RU', 'phone'],
      ['ru-RU', 'desktop'],
      ['en-US', 'phone'],
    ] as const) {
      const context = await clerkContext(CLERK, locale, screen)
      try {
        for (const [name, url] of screens) {
          const page = await openPage(context, url)
          await step(page, `tour-${locale}-${screen}-${name}`, async () => {
            await page.waitForLoadState('networkidle')
            // Nothing on the page is left untranslated as a raw key.
            const { text } = await pageContent(page)
            expect(text).not.toMatch(/shop:[a-zA-Z]+/)
            // The admins' login throttles are not a clerk's business.
            expect(text).not.toMatch(/Login throttles|Блокировки входа/)
          })
          await page.close()
        }
      } finally {
        await context.close()
      }
    }
    const admin = await clerkContext(ADMIN, 'ru-RU', 'desktop')
    try {
      const page = await openPage(admin, '/admin')
      await step(page, 'tour-ru-RU-desktop-admin-dashboard', async () => {
        await page.getByRole('heading', { name: 'Сегодня', exact: true }).waitFor()
      })
      const today = await page.locator('section.today').innerText()
      expect(today).toContain(STORE.name)
      expect(today).toContain(OTHER_STORE.name)
    } finally {
      await admin.close()
    }

    // Someone guessing at an account's password: the admin sees the throttle (address, failures, until
    // when), in both languages, without the account's email.
    const guessed = { email: 'guessed.account.e2e@example.com', password: 'a guessed-at account 1' }
    await rest.expect(201, 'POST', '/api/users', { body: guessed })
    for (let i = 0; i < 5; i++) await rest.expect(401, 'POST', '/api/users/login', { body: { email: guessed.email, password: `guess number ${i}` } })
    await rest.expect(429, 'POST', '/api/users/login', { body: guessed })
    for (const [locale, title] of [['en-US', 'Login throttles'], ['ru-RU', 'Блокировки входа']] as const) {
      const context = await clerkContext(ADMIN, locale, 'desktop')
      try {
        const page = await openPage(context, '/admin/collections/login-throttles')
        await step(page, `tour-${locale}-desktop-admin-login-throttles`, async () => {
          await page.getByRole('heading', { name: title }).first().waitFor()
          await page.waitForLoadState('networkidle')
          // The account column loads its titles after the list (slower on a busy machine): wait for them.
          let { text } = await pageContent(page)
          for (let i = 0; i < 50 && /Loading|Загрузка/.test(text); i++) {
            await page.waitForTimeout(200)
            ;({ text } = await pageContent(page))
          }
          expect(text).not.toMatch(/Loading|Загрузка/)
          expect(text).toMatch(/127\.0\.0\.1|::\/64/) // the address, as the shop counts it
          expect(text).not.toContain(guessed.email)
        })
      } finally {
        await context.close()
      }
    }
  })

  test('a clerk changes their password in the panel: refused with a wrong current password, saved with the right one (#17)', async () => {
    const clerk = { email: 'clerk.password.e2e@example.com', password: 'clerk old password 1' }
    const next = 'clerk brand new passphrase 2'
    await rest.expect(201, 'POST', '/api/users', { token: adminToken, body: { ...clerk, role: 'staff', stores: [store] } })
    const context = await clerkContext(clerk, 'en-US', 'desktop')
    const page = await openPage(context, '/admin/account')
    try {
      // Typed key by key, as a person does (the panel validates as it is typed), then saved.
      const saveWithCurrent = async (current: string) => {
        const field = page.locator('#field-currentPassword')
        await field.fill('')
        await field.pressSequentially(current)
        await page.waitForTimeout(1000) // the panel checks the form on the server a moment after typing stops
        const answer = page.waitForResponse((r) => r.request().method() === 'PATCH' && /\/api\/users\/\d+/.test(r.url()))
        await page.getByRole('button', { name: 'Save' }).click()
        return (await answer).status()
      }
      await step(page, 'password-01-wrong-current', async () => {
        await page.waitForLoadState('networkidle')
        await page.getByRole('button', { name: 'Change Password' }).click()
        await page.locator('#field-password').pressSequentially(next)
        await page.locator('#field-confirm-password').pressSequentially(next)
        await page.waitForTimeout(1000)
        expect(await saveWithCurrent('not my password at all')).toBe(403)
        await page.getByText('The password is not right; nothing was changed.').first().waitFor()
      })
      await rest.login(clerk.email, clerk.password) // unchanged
      await step(page, 'password-02-right-current', async () => {
        expect(await saveWithCurrent(clerk.password)).toBe(200)
      })
      await rest.expect(401, 'POST', '/api/users/login', { body: clerk })
      await rest.login(clerk.email, next)
    } finally {
      await context.close()
    }
  })

  test('the admin deactivates a clerk who left, in the panel: login refused, the account kept (#17)', async () => {
    const leaver = { email: 'clerk.leaving.e2e@example.com', username: 'clerk-leaving', password: 'clerk leaving password 1' }
    const { doc } = await rest.expect(201, 'POST', '/api/users', { token: adminToken, body: { ...leaver, role: 'staff', stores: [store] } })
    const context = await clerkContext(ADMIN, 'en-US', 'desktop')
    const page = await openPage(context, `/admin/collections/users/${doc.id}`)
    try {
      await step(page, 'deactivate-01-clerk', async () => {
        await page.waitForLoadState('networkidle')
        await page.getByLabel('Active (may log in)').uncheck()
        await page.waitForTimeout(1000) // the panel checks the form on the server a moment after a change
        const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === `/api/users/${doc.id}`)
        await page.getByRole('button', { name: 'Save' }).click()
        expect((await saved).status()).toBe(200)
      })
      await rest.expect(403, 'POST', '/api/users/login', { body: { email: leaver.email, password: leaver.password } })
      expect((await rest.expect(200, 'GET', `/api/users/${doc.id}`, { token: adminToken })).active).toBe(false)
    } finally {
      await context.close()
    }
  })

  test("no answer any of the browsers received carried the buyer's personal data", async () => {
    const responses = await Promise.all(record.responses)
    expect(responses.filter((r) => r.text.includes(weighed.number)).length).toBeGreaterThan(0) // bodies were read
    const leaks = responses.map(({ url, text }) => ({ url, found: findSecrets(text, BUYER_SECRETS) })).filter((r) => r.found.length > 0)
    expect(leaks).toEqual([])
    fs.writeFileSync(path.join(dir, 'external-requests.txt'), [...new Set(record.external)].join('\n') + '\n')
  })
})
