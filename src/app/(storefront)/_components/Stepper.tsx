'use client'
// A quantity in the product's step: − and + move by one step, typing is allowed (the shop checks the
// step). Arithmetic in thousandths, so 0.1 + 0.2 shows 0.3.
import { useEffect, useState } from 'react'

import { formatMilli, toMilli } from '../../../lib/quantity'

type Props = { name: string; step: number; initial: number; label: string; decrease: string; increase: string; unit: string; id: string }

export function Stepper({ name, step, initial, label, decrease, increase, unit, id }: Props) {
  const [value, setValue] = useState(String(initial))
  // − and + work once the page's script runs; until then they are off (typing a quantity always works).
  const [ready, setReady] = useState(false)
  useEffect(() => setReady(true), [])
  const stepMilli = toMilli(step) ?? 1000n
  const move = (direction: 1n | -1n) => {
    const current = toMilli(value.replace(',', '.')) ?? 0n
    const next = current - (current % stepMilli) + direction * stepMilli
    setValue(formatMilli(next < stepMilli ? stepMilli : next))
  }
  return (
    <div className="stepper">
      <button type="button" className="secondary" onClick={() => move(-1n)} aria-label={decrease} aria-controls={id} disabled={!ready}>−</button>
      <label htmlFor={id} className="sr-only">{label}</label>
      <input id={id} name={name} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} aria-describedby={`${id}-unit`} />
      <span id={`${id}-unit`}>{unit}</span>
      <button type="button" className="secondary" onClick={() => move(1n)} aria-label={increase} aria-controls={id} disabled={!ready}>+</button>
    </div>
  )
}
