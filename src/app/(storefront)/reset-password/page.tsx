// Where the reset link of the email lands (STOREFRONT_RESET_PATH): the token from the link, a new password.
import type { Metadata } from 'next'

import { ResetForm } from '../_components/AccountForms'
import { messagesFor } from '../_lib/messages'
import { shop } from '../_lib/shop'

export const metadata: Metadata = { title: 'Новый пароль · New password', referrer: 'no-referrer' }

export default async function ResetPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { lang } = await shop()
  const t = messagesFor(lang)
  return (
    <>
      <h1>{t.resetTitle}</h1>
      <ResetForm lang={lang} token={(await searchParams).token ?? ''} />
    </>
  )
}
