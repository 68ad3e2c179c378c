'use client'
// Amounts as money in the shop's currency and the panel's language ("479,65 ₽"), and quantities with their
// unit ("1,43 кг"), in lists and in the read-only order view.
import type { DefaultCellComponentProps, NumberFieldClientComponent } from 'payload'
import { FieldLabel, useFormFields } from '@payloadcms/ui'

import { useShopT } from '../client'
import { asLang, formatMoney, formatQuantity } from '../../lib/units'

type CurrencyProps = { currency?: string }

export function MoneyCell({ cellData, rowData, currency }: DefaultCellComponentProps & CurrencyProps) {
  const { i18n } = useShopT()
  if (typeof cellData !== 'number') return <span>—</span>
  return <span>{formatMoney(cellData, String(rowData?.currency ?? currency ?? 'RUB'), asLang(i18n.language))}</span>
}

export function QuantityCell({ cellData, rowData }: DefaultCellComponentProps) {
  const { i18n } = useShopT()
  if (typeof cellData !== 'number') return <span>—</span>
  return <span>{formatQuantity(cellData, String(rowData?.unit ?? ''), asLang(i18n.language))}</span>
}

/** A read-only amount in the edit view: the label and the money, never a bare number input. */
export const MoneyField: NumberFieldClientComponent = ({ field, path }) => {
  const { i18n } = useShopT()
  const value = useFormFields(([fields]) => fields[path]?.value)
  const currency = useFormFields(([fields]) => fields.currency?.value)
  return (
    <div className="field-type money-field" id={`field-${path.replace(/\./g, '__')}`}>
      <FieldLabel label={field.label} path={path} />
      <div className="money-field__value">{typeof value === 'number' ? formatMoney(value, String(currency ?? 'RUB'), asLang(i18n.language)) : '—'}</div>
    </div>
  )
}
