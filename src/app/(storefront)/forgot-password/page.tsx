import type { Metadata } from 'next'

import { ForgotForm } from '../_components/AccountForms'
import { messagesFor } from '../_lib/messages'
import { shop } from '../_lib/shop'

export const metadata: Metadata = { title: 'Пароль · Password' }

export default async function ForgotPage() {
  const { lang } = await shop()
  return (
    <>
      <h1>{messagesFor(lang).forgot}</h1>
      <ForgotForm lang={lang} />
    </>
  )
}
