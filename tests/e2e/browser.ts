// What the browser tests share: contexts that never reach other hosts, the leak check for the buyer's
// personal data, logging in at /admin, screenshots per step, and a fake camera that shows a QR code.
import fs from 'node:fs'
import path from 'node:path'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import sharp from 'sharp'

import { artifactsDir } from './harness'

/** A clean folder of screenshots for one test file, under test-artifacts/e2e/. */
export function artifactsFor(name: string) {
  const dir = path.join(artifactsDir, name)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

export const escapedForms = (s: string) => [s, s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)]
/** Which of `secrets` appear in `haystack`, as typed or JSON-escaped, in any case. */
export const findSecrets = (haystack: string, secrets: string[]) =>
  secrets.filter((secret) => escapedForms(secret).some((form) => haystack.toLowerCase().includes(form.toLowerCase())))

export const SCREENS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const

/**
 * A browser context of the given language and screen; requests to other hosts are blocked (the tests need
 * no network) and listed in `external`; every answer from the shop is kept in `responses` for leak checks.
 */
export async function shopContext(
  browser: Browser,
  base: string,
  options: { locale: 'en-US' | 'ru-RU'; screen: keyof typeof SCREENS; storageState?: Awaited<ReturnType<BrowserContext['storageState']>> },
  record: { responses: Promise<{ url: string; text: string }>[]; external: string[] },
) {
  const context = await browser.newContext({
    locale: options.locale,
    viewport: SCREENS[options.screen],
    ...(options.screen === 'phone' ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    ...(options.storageState ? { storageState: options.storageState } : {}),
  })
  const local = new URL(base).hostname
  await context.route(
    (url) => url.hostname !== local,
    (route) => {
      record.external.push(route.request().url())
      return route.abort()
    },
  )
  context.on('response', (response) => {
    record.responses.push(
      response
        .body()
        .then((body) => ({ url: response.url(), text: body.toString('utf8') }))
        .catch(() => ({ url: response.url(), text: '' })), // redirects have no body
    )
  })
  return context
}

/** The page as a person sees it and as the browser holds it. */
export async function pageContent(page: Page) {
  const [text, html] = await Promise.all([page.evaluate(() => document.body.innerText), page.content()])
  return { text, html }
}

/** Logs in on the English login form; resolves to the login request's answer. */
export async function loginAtAdmin(page: Page, base: string, login: string, password: string) {
  await page.goto(`${base}/admin`)
  await page.waitForURL('**/admin/login**')
  await page.getByLabel('Email or Username').fill(login)
  await page.getByLabel('Password').fill(password)
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/users/login') && r.request().method() === 'POST')
  await page.getByRole('button', { name: 'Login' }).click()
  return answer
}

/** A context logged in to the panel as `login` (on an English desktop page), in the language and screen asked for. */
export async function panelContext(
  browser: Browser,
  base: string,
  login: { email: string; password: string },
  locale: 'en-US' | 'ru-RU',
  screen: keyof typeof SCREENS,
  record: { responses: Promise<{ url: string; text: string }>[]; external: string[] },
) {
  const english = await shopContext(browser, base, { locale: 'en-US', screen: 'desktop' }, record)
  const page = await english.newPage()
  const answer = await loginAtAdmin(page, base, login.email, login.password)
  if (answer.status() !== 200) throw new Error(`The panel login of ${login.email} answered ${answer.status()}`)
  await page.waitForURL((url) => url.pathname === '/admin')
  const storageState = await english.storageState()
  await english.close()
  return shopContext(browser, base, { locale, screen, storageState }, record)
}

/** Runs a step and screenshots the page as `<name>.png`; on failure `<name>-failed.png`, then rethrows. */
export function stepper(dir: string) {
  return async function step(page: Page, name: string, fn: () => Promise<void>) {
    try {
      await fn()
      await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true })
    } catch (err) {
      await page.screenshot({ path: path.join(dir, `${name}-failed.png`), fullPage: true }).catch(() => {})
      throw err
    }
  }
}

/**
 * A video for Chromium's fake camera (`--use-file-for-fake-video-capture`): the QR code PNG centred on a
 * white 640×480 picture, as uncompressed Y4M (4:2:0, grey: only the luma plane carries the picture).
 */
export async function qrCodeVideo(png: Buffer, file: string) {
  const width = 640
  const height = 480
  const side = 400
  const luma = await sharp(png)
    .flatten({ background: '#ffffff' })
    .resize(side, side, { kernel: 'nearest', fit: 'contain', background: '#ffffff' })
    .extend({ top: (height - side) / 2, bottom: (height - side) / 2, left: (width - side) / 2, right: (width - side) / 2, background: '#ffffff' })
    .greyscale()
    .raw()
    .toBuffer()
  if (luma.length !== width * height) throw new Error(`Unexpected picture size: ${luma.length} bytes`)
  // Video range: black is 16, white 235.
  const y = Buffer.from(luma.map((v) => (v < 128 ? 16 : 235)))
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma])
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: 10 }, () => frame)]))
}
