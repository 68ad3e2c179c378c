'use client'
// The owner's current password, typed beside a new password or email in the account view (never stored).
import { PasswordField } from '@payloadcms/ui'
import type { TextFieldClientComponent } from 'payload'

/** Empty is fine here: the server asks for it only when the password or the email changes. */
const optional = () => true as const

export const CurrentPassword: TextFieldClientComponent = ({ field, path }) => (
  <PasswordField autoComplete="current-password" field={{ ...field, required: false }} path={path ?? field.name} validate={optional} />
)
