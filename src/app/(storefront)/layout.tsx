// The storefront's root layout: its own <html> (the admin panel has another), in the buyer's language.
import type { Metadata, Viewport } from 'next'
import type { ReactNode } from 'react'

import { setLanguage } from './_lib/actions'
import { messagesFor } from './_lib/messages'
import { shop } from './_lib/shop'
import './storefront.css'

// Every page reads the buyer's cookies and live stock: nothing is prerendered.
export const dynamic = 'force-dynamic'

export const metadata: Metadata = { title: { default: '100am', template: '%s · 100am' }, description: 'Groceries for pickup · Продукты с самовывозом' }
export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1f5e3b' }

export default async function StorefrontLayout({ children }: { children: ReactNode }) {
  const { lang, token } = await shop()
  const t = messagesFor(lang)
  return (
    <html lang={lang}>
      <body>
        <a className="skip" href="#main">{t.skip}</a>
        <header className="top">
          <a className="brand" href="/">
            {t.shopName} <span className="tagline">{t.tagline}</span>
          </a>
          <nav aria-label={t.catalogue}>
            <a href="/">{t.catalogue}</a>
            <a href="/cart">{t.cart}</a>
            {token ? <a href="/orders">{t.orders}</a> : null}
            {token ? <a href="/account">{t.account}</a> : <a href="/login">{t.login}</a>}
            <form action={setLanguage}>
              <input type="hidden" name="lang" value={lang === 'ru' ? 'en' : 'ru'} />
              <button className="link" type="submit" lang={lang === 'ru' ? 'en' : 'ru'}>{t.otherLanguage}</button>
            </form>
          </nav>
        </header>
        <main id="main" tabIndex={-1}>{children}</main>
      </body>
    </html>
  )
}
