'use client'
// How a stock row's numbers appear in its edit form: onHand and the threshold are typed in only when the
// row is created; afterwards every number shows (with its unit) in the operations block, and changes only
// through those operations.
import type { NumberFieldClientComponent } from 'payload'
import { NumberField, useDocumentInfo } from '@payloadcms/ui'

export const OnlyWhenCreating: NumberFieldClientComponent = (props) => {
  const { id } = useDocumentInfo()
  return id ? null : <NumberField {...props} />
}

export const NotInForm: NumberFieldClientComponent = () => null
