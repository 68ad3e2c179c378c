// The admin panel in a real browser (Debian's Chromium via playwright-core) against the production build:
// an admin logs in, creates a product with a photo and its stock, opens a paid order and the buyer's
// account and sees none of the buyer's personal data; a buyer cannot get into the panel.
// Screenshots of every step go to test-artifacts/e2e/admin/ (git-ignored), with the server's log.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import sharp from 'sharp'

import { artifactsFor, findSecrets, loginAtAdmin, pageContent, shopContext, stepper } from './browser'
import { CHROMIUM, type E2EShop, type Rest, type RunningServer, startE2EShop } from './harness'

const HOOK_TIMEOUT = 240_000

const ADMIN = { email: 'e2e-admin@example.com', password: 'e2e admin password 1' }
// Distinctive strings, so that finding any of them on a page can only mean a leak.
const BUYER = {
  email: 'zinaida.proverkina.e2e@example.com',
  username: 'shopper-e2e',
  password: 'e2e buyer password 1',
  firstName: 'Зинаида',
  lastName: 'Проверкина',
  phone: '+79161112233',
}
const FIXTURE_PRODUCT = { id: 'E2E-FIXTURE-MILK', name: 'Молоко для проверки', price: 8990, unit: 'pcs', quantityStep: 1 }
const STORE = { name: 'Лавка на Тестовой', address: 'Москва, Тестовая ул., 1' }
const PANEL_PRODUCT = { id: 'E2E-PANEL-TEA', name: 'Чай из панели', price: 34950, quantityStep: 1 }
const PANEL_STOCK = 7

/** Every way the buyer's personal data could appear in a page or a response. */
const BUYER_SECRETS = [BUYER.firstName, BUYER.lastName, BUYER.phone, BUYER.phone.slice(1), BUYER.phone.slice(2), BUYER.email]
const artifacts = artifactsFor('admin')
const step = stepper(artifacts)

let shop: E2EShop
let server: RunningServer
let rest: Rest
let browser: Browser | undefined
let adminContext: BrowserContext
let adminPage: Page
let adminToken: string
let storeId: number
let order: { id: number; number: string; pickupCode: string }
let buyerId: number
let buyerToken: string
/** Every answer the browsers received from the shop (HTML, RSC payloads, JSON), and requests to other hosts (blocked). */
const record = { responses: [] as Promise<{ url: string; text: string }>[], external: [] as string[] }

// English UI whatever the machine's locale, so the labels below match.
const newContext = (recorded = record) => shopContext(browser!, server.base, { locale: 'en-US', screen: 'desktop' }, recorded)
const loginAt = (page: Page, login: string, password: string) => loginAtAdmin(page, server.base, login, password)

beforeAll(async () => {
  shop = await startE2EShop('shop_e2e', ADMIN, path.join(artifacts, 'server.log'))
  ;({ server, rest } = shop)

  // The buyer and a paid order, through the REST API as the storefront would make them.
  const registered = await rest.expect(201, 'POST', '/api/users', {
    body: {
      email: BUYER.email,
      username: BUYER.username,
      password: BUYER.password,
      firstName: BUYER.firstName,
      lastName: BUYER.lastName,
      phone: BUYER.phone,
    },
  })
  buyerId = registered.doc.id
  adminToken = await rest.login(ADMIN.email, ADMIN.password)
  storeId = (await rest.expect(201, 'POST', '/api/stores', { token: adminToken, body: STORE })).doc.id
  await rest.expect(201, 'POST', '/api/products', { token: adminToken, body: FIXTURE_PRODUCT })
  await rest.expect(201, 'POST', '/api/stock', {
    token: adminToken,
    body: { product: FIXTURE_PRODUCT.id, store: storeId, onHand: 10 },
  })
  buyerToken = await rest.login(BUYER.email, BUYER.password)
  await rest.expect(200, 'POST', '/api/cart/items', { token: buyerToken, body: { sku: FIXTURE_PRODUCT.id, quantity: 2 } })
  const checkout = await rest.expect(201, 'POST', '/api/checkout', {
    token: buyerToken,
    body: {
      pickupPoint: storeId,
      contact: { firstName: BUYER.firstName, lastName: BUYER.lastName, phone: BUYER.phone },
      paymentToken: 'tok_visa',
    },
  })
  expect(checkout.order.status).toBe('paid')
  order = { id: checkout.order.id, number: checkout.order.number, pickupCode: checkout.order.pickupCode }

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] })
  adminContext = await newContext()
  adminPage = await adminContext.newPage()
}, HOOK_TIMEOUT)

afterAll(async () => {
  await browser?.close().catch(() => {})
  await shop?.stop()
}, HOOK_TIMEOUT)

describe('the admin panel in Chromium', () => {
  test('the admin logs in at /admin and sees the dashboard', async () => {
    await step(adminPage, '01-admin-dashboard', async () => {
      const login = await loginAt(adminPage, ADMIN.email, ADMIN.password)
      expect(login.status()).toBe(200)
      await adminPage.waitForURL((url) => url.pathname === '/admin')
      // The dashboard lists the collections.
      await adminPage.locator('a[href="/admin/collections/products"]').first().waitFor()
      await adminPage.locator('a[href="/admin/collections/orders"]').first().waitFor()
    })
  })

  test('creates a product with a photo uploaded through the panel', async () => {
    const photo = await sharp({ create: { width: 480, height: 360, channels: 3, background: { r: 190, g: 60, b: 40 } } })
      .png()
      .toBuffer()
    const page = adminPage
    await step(page, '02-product-form', async () => {
      await page.goto(`${server.base}/admin/collections/products/create`)
      await page.getByLabel('SKU').fill(PANEL_PRODUCT.id)
      await page.getByLabel('Name').fill(PANEL_PRODUCT.name)
      await page.getByLabel('Price (minor units)').fill(String(PANEL_PRODUCT.price))
      await page.getByLabel('Quantity step').fill(String(PANEL_PRODUCT.quantityStep))
      // The photo: "Create New" opens a drawer with the media collection's upload form.
      await page.locator('#field-photo').getByRole('button', { name: 'Create New' }).click()
      const drawer = page.locator('dialog.doc-drawer[open]')
      await drawer.locator('input[type=file]').setInputFiles({ name: 'e2e-tea.png', mimeType: 'image/png', buffer: photo })
      // The drawer's label points at another id than its input (a Payload quirk), hence the name.
      await drawer.locator('input[name="alt"]').fill('Чай, фото из e2e')
      // The chosen file is previewed, with an image editor.
      await drawer.getByRole('button', { name: 'Edit Image' }).waitFor()
    })
    await step(page, '03-product-photo-uploaded', async () => {
      const drawer = page.locator('dialog.doc-drawer[open]')
      const upload = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/media' && r.request().method() === 'POST')
      await drawer.getByRole('button', { name: 'Save' }).click()
      expect((await upload).status()).toBe(201)
      await drawer.waitFor({ state: 'detached' })
      // The field now shows the uploaded file instead of the dropzone.
      await page.locator('#field-photo').getByText('e2e-tea.png').first().waitFor()
    })
    await step(page, '04-product-saved', async () => {
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL((url) => url.pathname === `/admin/collections/products/${PANEL_PRODUCT.id}`)
      await page.getByText('Product successfully created.').waitFor()
    })

    const product = await rest.expect(200, 'GET', `/api/products/${PANEL_PRODUCT.id}?depth=1`, { token: adminToken })
    expect(product).toMatchObject({ ...PANEL_PRODUCT, unit: 'pcs', active: true })
    expect(product.photo).toMatchObject({ filename: 'e2e-tea.png', mimeType: 'image/png', width: 480, height: 360 })
    const file = await fetch(`${server.base}${product.photo.url}`)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toMatch(/^image\/png/)
    expect(Buffer.from(await file.arrayBuffer()).equals(photo)).toBe(true)
  })

  test("a photo over the limit: a readable message in the panel's language, nothing stored", async () => {
    // The same admin, with a Russian browser.
    const context = await shopContext(browser!, server.base, { locale: 'ru-RU', screen: 'desktop', storageState: await adminContext.storageState() }, record)
    const page = await context.newPage()
    const before = await rest.expect(200, 'GET', '/api/media?limit=0', { token: adminToken })
    try {
      await step(page, '04b-photo-too-large-ru', async () => {
        await page.goto(`${server.base}/admin/collections/media/create`)
        await page.locator('input[type=file]').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(12 * 1024 * 1024, 7) })
        const upload = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/media' && r.request().method() === 'POST')
        await page.getByRole('button', { name: 'Сохранить' }).click()
        expect((await upload).status()).toBe(413)
        await page.getByText('Фото слишком большое: не больше 10 МБ.').waitFor()
      })
    } finally {
      await context.close()
    }
    const after = await rest.expect(200, 'GET', '/api/media?limit=0', { token: adminToken })
    expect(after.totalDocs).toBe(before.totalDocs)
  })

  test("sets its stock in a shop, then receives a delivery through the stock row's operations", async () => {
    const page = adminPage
    await step(page, '05-stock-form', async () => {
      await page.goto(`${server.base}/admin/collections/stock/create`)
      const product = page.locator('#field-product')
      await product.getByRole('combobox').fill(PANEL_PRODUCT.name.slice(0, 3))
      await page.getByRole('option', { name: PANEL_PRODUCT.name }).click()
      const store = page.locator('#field-store')
      await store.getByRole('combobox').click()
      await page.getByRole('option', { name: STORE.name }).click()
      await page.getByLabel('On hand').fill(String(PANEL_STOCK))
      await product.getByText(PANEL_PRODUCT.name).waitFor()
      await store.getByText(STORE.name).waitFor()
    })
    await step(page, '06-stock-saved', async () => {
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL((url) => /^\/admin\/collections\/stock\/\d+$/.test(url.pathname))
      await page.getByText('Stock successfully created.').waitFor()
      await page.getByTestId('stock-on-hand').getByText(`${PANEL_STOCK}\u00a0pcs`).waitFor()
    })
    await step(page, '06b-stock-received', async () => {
      const receive = page.getByRole('group', { name: 'Delivery received' })
      await receive.getByLabel('Quantity').fill('5')
      await receive.getByLabel('Note').fill('e2e delivery')
      await receive.getByRole('button', { name: 'Add to stock' }).click()
      await page.getByTestId('stock-on-hand').getByText(`${PANEL_STOCK + 5}\u00a0pcs`).waitFor()
      // The movement is in the row's history.
      await page.getByText('e2e delivery').first().waitFor()
    })

    const stock = await rest.expect(
      200,
      'GET',
      `/api/stock?where[product][equals]=${PANEL_PRODUCT.id}&where[store][equals]=${storeId}&depth=0`,
      { token: adminToken },
    )
    expect(stock.docs).toHaveLength(1)
    expect(stock.docs[0]).toMatchObject({ product: PANEL_PRODUCT.id, store: storeId, onHand: PANEL_STOCK + 5, reserved: 0, available: PANEL_STOCK + 5 })
  })

  test("opens the paid order: its number and status, none of the buyer's personal data, nor who placed it", async () => {
    const page = adminPage
    await step(page, '07-order', async () => {
      await page.goto(`${server.base}/admin/collections/orders/${order.id}`)
      await page.getByRole('heading', { name: order.number }).waitFor()
      await page.waitForLoadState('networkidle')
    })
    // The data is there (the buyer sees it) ...
    const own = await rest.expect(200, 'GET', `/api/orders/${order.id}`, { token: buyerToken })
    expect(own.contact).toEqual({ firstName: BUYER.firstName, lastName: BUYER.lastName, phone: BUYER.phone })
    // ... and the panel shows the order without it: no contact fields, no pickup code field.
    const { text, html } = await pageContent(page)
    expect(await page.locator('[id^="field-contact"], [id^="field-pickupCode"], #field-buyer').count()).toBe(0)
    expect(text).toContain(order.number)
    expect(text).toContain('Paid, to assemble')
    expect(text).not.toContain(BUYER.username) // not even which account placed it
    expect(findSecrets(text, BUYER_SECRETS)).toEqual([])
    expect(findSecrets(html, BUYER_SECRETS)).toEqual([])
    // The pickup code is the buyer's too: whoever holds it can collect the order.
    expect(findSecrets(html, [order.pickupCode])).toEqual([])
  })

  test("opens the buyer's account: no name, phone or email", async () => {
    const page = adminPage
    await step(page, '08-buyer-account', async () => {
      await page.goto(`${server.base}/admin/collections/users/${buyerId}`)
      await page.getByRole('heading', { name: BUYER.username }).waitFor()
      await page.waitForLoadState('networkidle')
    })
    const me = await rest.expect(200, 'GET', '/api/users/me', { token: buyerToken })
    expect(me.user).toMatchObject({ email: BUYER.email, firstName: BUYER.firstName, lastName: BUYER.lastName, phone: BUYER.phone })
    const { text, html } = await pageContent(page)
    expect(await page.locator('#field-email, #field-firstName, #field-lastName, #field-phone').count()).toBe(0)
    expect(text).toContain(BUYER.username)
    expect(text).toContain('Buyer')
    expect(findSecrets(text, BUYER_SECRETS)).toEqual([])
    expect(findSecrets(html, BUYER_SECRETS)).toEqual([])

    await step(page, '09-users-list', async () => {
      await page.goto(`${server.base}/admin/collections/users`)
      await page.getByRole('row').filter({ hasText: BUYER.username }).waitFor()
      await page.waitForLoadState('networkidle')
    })
    const list = await pageContent(page)
    expect(findSecrets(list.text, BUYER_SECRETS)).toEqual([])
    expect(findSecrets(list.html, BUYER_SECRETS)).toEqual([])

    // Nothing the admin's browser received so far (pages, RSC payloads, API answers) carried it either.
    const responses = await Promise.all(record.responses)
    expect(responses.filter((r) => r.text.includes(order.number)).length).toBeGreaterThan(0) // bodies were read
    const leaks = responses
      .map(({ url, text: body }) => ({ url, found: findSecrets(body, [...BUYER_SECRETS, order.pickupCode]) }))
      .filter((r) => r.found.length > 0)
    expect(leaks).toEqual([])
    // Requests to other hosts were blocked; none may carry the buyer's email, even hashed (Gravatar uses MD5).
    // (The panel does ask Gravatar for the logged-in admin's own avatar: listed in external-requests.txt.)
    fs.writeFileSync(path.join(artifacts, 'external-requests.txt'), [...new Set(record.external)].join('\n') + '\n')
    const emailHash = crypto.createHash('md5').update(BUYER.email).digest('hex')
    expect(record.external.filter((url) => url.includes(emailHash) || findSecrets(decodeURIComponent(url), BUYER_SECRETS).length)).toEqual([])
  })

  test('a buyer cannot use the panel: the login passes, the panel answers "unauthorized"', async () => {
    // Not recorded for the leak check: the buyer's own login answer carries their own account.
    const context = await newContext({ responses: [], external: [] })
    const page = await context.newPage()
    try {
      await step(page, '10-buyer-login-refused', async () => {
        const login = await loginAt(page, BUYER.email, BUYER.password)
        // Payload authenticates the account (the same login the storefront uses) ...
        expect(login.status()).toBe(200)
        // ... and the panel, which only admins may access, sends the buyer to its "unauthorized" page.
        await page.waitForURL((url) => url.pathname === '/admin/unauthorized')
        await page.getByRole('heading', { name: 'Unauthorized, this user does not have access to the admin panel.' }).waitFor()
      })
      let { text } = await pageContent(page)
      expect(text).toContain('You are not allowed to access this page.')
      expect(await page.locator('a[href^="/admin/collections/"]').count()).toBe(0)
      expect(await page.getByLabel('Password').count()).toBe(0)

      // Going straight to a document (the buyer's own order) ends on the same page, without the order.
      await step(page, '11-buyer-direct-url-refused', async () => {
        await page.goto(`${server.base}/admin/collections/orders/${order.id}`)
        await page.waitForURL((url) => url.pathname === '/admin/unauthorized')
        await page.getByRole('heading', { name: 'Unauthorized, this user does not have access to the admin panel.' }).waitFor()
      })
      ;({ text } = await pageContent(page))
      expect(text).not.toContain(order.number)
      expect(await page.locator('a[href^="/admin/collections/"]').count()).toBe(0)
    } finally {
      await context.close()
    }
  })
})
