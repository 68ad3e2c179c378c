'use client'
// The account forms: each shows the shop's answer in words and keeps what was typed (never the password).
import { useActionState } from 'react'

import type { Lang } from '../../../lib/units'
import { deleteAccount, forgotPassword, type FormState, logIn, register, resetPassword, saveProfile } from '../_lib/actions'
import { messagesFor, type Messages } from '../_lib/messages'

function Answer({ state, t }: { state: FormState; t: Messages }) {
  if (!state.error) return null
  const words = state.error in t ? t[state.error as keyof Messages] : state.error
  return <p className="notice error" role="alert">{typeof words === 'string' ? words : t.somethingWrong}</p>
}

export function LoginForm({ lang, next }: { lang: Lang; next: string }) {
  const t = messagesFor(lang)
  const [state, action, pending] = useActionState<FormState, FormData>(logIn, {})
  return (
    <form action={action} className="form">
      <Answer state={state} t={t} />
      <input type="hidden" name="next" value={next} />
      <label htmlFor="login">{t.emailOrUsername}</label>
      <input id="login" name="login" autoComplete="username" required defaultValue={state.values?.login} />
      <label htmlFor="password">{t.password}</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      <button type="submit" disabled={pending}>{t.login}</button>
    </form>
  )
}

export function RegisterForm({ lang, next }: { lang: Lang; next: string }) {
  const t = messagesFor(lang)
  const [state, action, pending] = useActionState<FormState, FormData>(register, {})
  return (
    <form action={action} className="form">
      <Answer state={state} t={t} />
      <input type="hidden" name="next" value={next} />
      <label htmlFor="email">{t.email}</label>
      <input id="email" name="email" type="email" autoComplete="email" required defaultValue={state.values?.email} />
      <label htmlFor="username">{t.username}</label>
      <input id="username" name="username" autoComplete="username" defaultValue={state.values?.username} />
      <label htmlFor="password">{t.password}</label>
      <input id="password" name="password" type="password" autoComplete="new-password" minLength={12} required aria-describedby="password-hint" />
      <p id="password-hint" className="field-hint">{t.passwordHint}</p>
      <button type="submit" disabled={pending}>{t.register}</button>
    </form>
  )
}

export function ForgotForm({ lang }: { lang: Lang }) {
  const t = messagesFor(lang)
  const [state, action, pending] = useActionState<FormState, FormData>(forgotPassword, {})
  if (state.done) return <p className="notice" role="status">{t.linkSent}</p>
  return (
    <form action={action} className="form">
      <Answer state={state} t={t} />
      <label htmlFor="email">{t.email}</label>
      <input id="email" name="email" type="email" autoComplete="email" required />
      <button type="submit" disabled={pending}>{t.sendLink}</button>
    </form>
  )
}

export function ResetForm({ lang, token }: { lang: Lang; token: string }) {
  const t = messagesFor(lang)
  const [state, action, pending] = useActionState<FormState, FormData>(resetPassword, {})
  return (
    <form action={action} className="form">
      <Answer state={state} t={t} />
      <input type="hidden" name="token" value={token} />
      <label htmlFor="password">{t.newPassword}</label>
      <input id="password" name="password" type="password" autoComplete="new-password" minLength={12} required />
      <button type="submit" disabled={pending}>{t.save}</button>
    </form>
  )
}

export function DeleteForm({ lang }: { lang: Lang }) {
  const t = messagesFor(lang)
  const [state, action, pending] = useActionState<FormState, FormData>(deleteAccount, {})
  return (
    <form action={action} className="form">
      <Answer state={state} t={t} />
      <p id="delete-hint" className="field-hint">{t.deleteHint}</p>
      <label htmlFor="delete-password">{t.password}</label>
      <input id="delete-password" name="password" type="password" autoComplete="current-password" required aria-describedby="delete-hint" />
      <button type="submit" className="danger" disabled={pending}>{t.deleteAccount}</button>
    </form>
  )
}

export function ProfileForm({ lang, profile }: { lang: Lang; profile: { id: number; firstName: string; lastName: string; phone: string; locale: string } }) {
  const t = messagesFor(lang)
  const [state, action, pending] = useActionState<FormState, FormData>(saveProfile, {})
  const values = { ...profile, ...state.values }
  return (
    <form action={action} className="form">
      <Answer state={state} t={t} />
      {state.done ? <p className="notice" role="status">{t.saved}</p> : null}
      <input type="hidden" name="id" value={profile.id} />
      <label htmlFor="firstName">{t.firstName}</label>
      <input id="firstName" name="firstName" autoComplete="given-name" maxLength={100} defaultValue={values.firstName} />
      <label htmlFor="lastName">{t.lastName}</label>
      <input id="lastName" name="lastName" autoComplete="family-name" maxLength={100} defaultValue={values.lastName} />
      <label htmlFor="phone">{t.phone}</label>
      <input id="phone" name="phone" type="tel" autoComplete="tel" maxLength={32} defaultValue={values.phone} />
      <label htmlFor="locale">{t.language}</label>
      <select id="locale" name="locale" defaultValue={values.locale}>
        <option value="ru" lang="ru">Русский</option>
        <option value="en" lang="en">English</option>
      </select>
      <button type="submit" disabled={pending}>{t.save}</button>
    </form>
  )
}
