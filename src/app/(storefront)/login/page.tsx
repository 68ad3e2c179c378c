import type { Metadata } from 'next'

import { LoginForm } from '../_components/AccountForms'
import { messagesFor } from '../_lib/messages'
import { shop } from '../_lib/shop'

export const metadata: Metadata = { title: 'Вход · Log in' }

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { lang } = await shop()
  const t = messagesFor(lang)
  const next = (await searchParams).next ?? '/'
  return (
    <>
      <h1>{t.login}</h1>
      <LoginForm lang={lang} next={next} />
      <p>
        <a href="/forgot-password">{t.forgot}</a>
      </p>
      <p>
        {t.noAccount} <a href={`/register?next=${encodeURIComponent(next)}`}>{t.register}</a>
      </p>
    </>
  )
}
