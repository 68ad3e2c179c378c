'use client'
// One line of the assembly form: what was ordered, the picked quantity typed in, the line's new total.
import { lineTotal } from '../../lib/money'
import { asLang, formatMoney, formatQuantity, unitLabel } from '../../lib/units'
import { useShopT } from '../client'
import { type AssemblyLine, type LineProblem, readPick, skuOf } from './assembly'

type Props = { line: AssemblyLine; typed: string; currency: string; toleranceBp: number; problem?: LineProblem; refusal?: string; onType: (value: string) => void }

export function AssemblyRow({ line, typed, currency, toleranceBp, problem, refusal, onType }: Props) {
  const { t, i18n } = useShopT()
  const lang = asLang(i18n.language)
  const sku = skuOf(line)
  const read = readPick(line, typed, toleranceBp)
  const message = problem ? t(problem.key, problem.max ? { max: formatQuantity(problem.max.quantity, problem.max.unit, lang) } : {}) : refusal
  const errorId = `assembly-error-${sku}`
  return (
    <tr data-sku={sku}>
      <th scope="row">{line.name}</th>
      <td>{formatQuantity(line.quantity, line.unit, lang)}</td>
      <td>
        <label>
          <input
            name={`picked-${sku}`}
            aria-label={`${t('shop:picked')}: ${line.name}`}
            inputMode="decimal"
            value={typed}
            onChange={(e) => onType(e.target.value)}
            {...(message ? { 'aria-invalid': true, 'aria-describedby': errorId } : {})}
          />{' '}
          {unitLabel(line.unit, lang)}
        </label>
        {message && (
          <div className="order-actions__error" role="alert" id={errorId}>
            {message}
          </div>
        )}
      </td>
      <td>{'milli' in read ? formatMoney(lineTotal(line.unitPrice, read.milli), currency, lang) : '—'}</td>
    </tr>
  )
}
