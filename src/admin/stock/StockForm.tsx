'use client'
// One stock operation's form (receive, count, write-off or threshold, as ./stockForms.ts describes it).
// A block, not a <form>: the panel's edit view is itself a form, and a form inside a form is dropped by the
// browser (its submit would go to the document's form). Enter in an input does what the button does.
import { Button } from '@payloadcms/ui'
import { type KeyboardEvent, useId, useState } from 'react'

import { useShopT } from '../client'
import { REASON_LABELS, readQuantity, type StockFormSpec } from './stockForms'

type Props = {
  spec: StockFormSpec
  unit: string | null
  initial?: Record<string, string>
  busy: boolean
  /** The server's refusal of the last attempt, in the clerk's language. */
  refusal?: string
  onSubmit: (body: Record<string, unknown>) => void
}

export function StockForm({ spec, unit, initial = {}, busy, refusal, onSubmit }: Props) {
  const { t } = useShopT()
  const errorId = useId()
  const [values, setValues] = useState<Record<string, string>>(() => ({ reason: 'damaged', ...initial }))
  const [invalid, setInvalid] = useState<{ name: string; message: string } | null>(null)

  function submit() {
    if (busy) return
    const read: Record<string, unknown> = {}
    for (const input of spec.inputs) {
      const text = values[input.name] ?? ''
      if (input.kind !== 'quantity') read[input.name] = text.trim()
      else {
        const quantity = readQuantity(text, input, unit)
        if ('error' in quantity) return setInvalid({ name: input.name, message: t(quantity.error) })
        read[input.name] = quantity.value
      }
    }
    setInvalid(null)
    onSubmit(spec.body(read))
  }
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Enter' || (event.target as HTMLElement).tagName === 'BUTTON') return
    event.preventDefault()
    submit()
  }
  const message = invalid?.message ?? refusal
  const errorProps = (name: string) =>
    message && (invalid === null ? name === spec.inputs[0]!.name : invalid.name === name) ? { 'aria-invalid': true, 'aria-describedby': errorId } : {}
  const set = (name: string) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value }))

  return (
    <div role="group" aria-label={t(spec.title)} data-operation={spec.operation} onKeyDown={onKeyDown}>
      <h4>{t(spec.title)}</h4>
      {spec.inputs.map((input) => (
        <label key={input.name}>
          {t(input.label)}
          {input.kind === 'reason' ? (
            <select name={input.name} value={values[input.name]} onChange={set(input.name)}>
              {Object.entries(REASON_LABELS).map(([reason, label]) => (
                <option key={reason} value={reason}>
                  {t(label)}
                </option>
              ))}
            </select>
          ) : (
            <input name={input.name} value={values[input.name] ?? ''} onChange={set(input.name)} autoComplete="off" {...(input.kind === 'note' ? { maxLength: 500 } : { inputMode: 'decimal' as const })} {...errorProps(input.name)} />
          )}
        </label>
      ))}
      {spec.help && <p className="stock-actions__help">{t(spec.help)}</p>}
      {message && (
        <p className="stock-actions__error" role="alert" id={errorId}>
          {message}
        </p>
      )}
      <Button type="button" buttonStyle={spec.primary ? 'primary' : 'secondary'} size="small" disabled={busy} onClick={submit}>
        {t(spec.button)}
      </Button>
    </div>
  )
}
