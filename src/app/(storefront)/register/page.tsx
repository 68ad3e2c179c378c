import type { Metadata } from 'next'

import { RegisterForm } from '../_components/AccountForms'
import { messagesFor } from '../_lib/messages'
import { shop } from '../_lib/shop'

export const metadata: Metadata = { title: 'Регистрация · Register' }

export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { lang } = await shop()
  const t = messagesFor(lang)
  const next = (await searchParams).next ?? '/'
  return (
    <>
      <h1>{t.register}</h1>
      <RegisterForm lang={lang} next={next} />
      <p>
        {t.haveAccount} <a href={`/login?next=${encodeURIComponent(next)}`}>{t.login}</a>
      </p>
    </>
  )
}
