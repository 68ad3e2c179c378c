// The buyer's account: profile and language, their data to download, log out, delete the account.
import type { Metadata } from 'next'
import { redirect } from 'next/navigation'

import { DeleteForm, ProfileForm } from '../_components/AccountForms'
import { logOut } from '../_lib/actions'
import { messagesFor } from '../_lib/messages'
import { shop } from '../_lib/shop'

export const metadata: Metadata = { title: 'Профиль · Account' }

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ saved?: string }> }) {
  const { api, lang, token } = await shop()
  if (!token) redirect('/login?next=/account')
  const { data } = await api.GET('/users/me')
  const user = data?.user
  if (!user) redirect('/login?next=/account')
  const t = messagesFor(lang)
  const { saved } = await searchParams
  return (
    <>
      <h1>{t.profile}</h1>
      {saved === 'password' ? <p className="notice" role="status">{t.passwordChanged}</p> : null}
      <p className="muted">{user.email}{user.username ? ` · ${user.username}` : ''}</p>
      <ProfileForm lang={lang} profile={{ id: user.id, firstName: user.firstName ?? '', lastName: user.lastName ?? '', phone: user.phone ?? '', locale: user.locale ?? lang }} />
      <h2>{t.yourData}</h2>
      <p>
        <a href="/account/data" download>{t.download}</a>
      </p>
      <form action={logOut}>
        <button type="submit" className="secondary">{t.logout}</button>
      </form>
      <h2>{t.deleteAccount}</h2>
      <DeleteForm lang={lang} />
    </>
  )
}
