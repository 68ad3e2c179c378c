// The panel's forms before anything is sent: a stock quantity as typed (./src/admin/stock/stockForms.ts) and
// the assembly preview (./src/admin/orders/assembly.ts), in both decimal separators.
import { describe, expect, it } from '@jest/globals'

import { assemblyPreview, changedPicks, readPick } from '../../src/admin/orders/assembly'
import { readQuantity, requestOf, STOCK_FORMS } from '../../src/admin/stock/stockForms'

const input = (operation: string, name: string) => STOCK_FORMS.find((f) => f.operation === operation)!.inputs.find((i) => i.name === name)!

describe('stock forms', () => {
  it('read quantities in either separator, whole pieces only, zero only where a count allows it', () => {
    const receive = input('receive', 'quantity')
    expect(readQuantity('1,5', receive, 'kg')).toEqual({ value: 1.5 })
    expect(readQuantity(' 2 ', receive, 'pcs')).toEqual({ value: 2 })
    expect(readQuantity('1.5', receive, 'pcs')).toEqual({ error: 'shop:wholePieces' })
    expect(readQuantity('0', receive, 'kg')).toEqual({ error: 'shop:positiveQuantity' })
    expect(readQuantity('abc', receive, 'kg')).toEqual({ error: 'shop:invalidQuantity' })
    expect(readQuantity('0', input('count', 'onHand'), 'kg')).toEqual({ value: 0 })
    // The unit not known yet: the server checks whole pieces.
    expect(readQuantity('1.5', receive, null)).toEqual({ value: 1.5 })
  })

  it('an empty threshold means none; an empty quantity is an error', () => {
    expect(readQuantity('', input('threshold', 'threshold'), 'kg')).toEqual({ value: null })
    expect(readQuantity('', input('receive', 'quantity'), 'kg')).toEqual({ error: 'shop:invalidQuantity' })
  })

  it('make the bodies the API documents, and send each where it goes', () => {
    const body = (operation: string, values: Record<string, unknown>) => STOCK_FORMS.find((f) => f.operation === operation)!.body(values)
    expect(body('receive', { quantity: 5, note: '' })).toEqual({ quantity: 5 })
    expect(body('write-off', { quantity: 1, reason: '', note: 'dropped' })).toEqual({ quantity: 1, reason: 'other', note: 'dropped' })
    expect(body('threshold', { threshold: null })).toEqual({ lowStockThreshold: null })
    expect(requestOf('threshold', 7)).toEqual({ path: '/stock/7', method: 'PATCH' })
    expect(requestOf('write-off', 7)).toEqual({ path: '/stock/7/write-off', method: 'POST' })
  })
})

describe('assembly preview', () => {
  const apples = { id: 1, product: 'APPLES', name: 'Apples', unit: 'kg', quantity: 1.5, pickedQuantity: null, unitPrice: 19990 }
  const buns = { id: 2, product: { id: 'BUNS' }, name: 'Buns', unit: 'pcs', quantity: 2, pickedQuantity: null, unitPrice: 5000 }

  it('totals what was picked, rounded half up per line', () => {
    // 1.43 kg × 199.90 = 285.857 → 285.86; 2 × 50.00.
    expect(assemblyPreview([apples, buns], { APPLES: '1,43', BUNS: '2' }, 1000)).toEqual({ total: 28586 + 10000, problems: {} })
  })

  it('names each line it cannot read, and leaves it out of the total', () => {
    const preview = assemblyPreview([apples, buns], { APPLES: '9', BUNS: '1.5' }, 1000)
    expect(preview.total).toBe(0)
    expect(preview.problems.APPLES).toEqual({ key: 'shop:maxPick', max: { quantity: 1.65, unit: 'kg' } })
    expect(preview.problems.BUNS).toEqual({ key: 'shop:wholePieces' })
    expect(readPick(apples, 'x', 1000)).toEqual({ key: 'shop:invalidQuantity' })
  })

  it('sends only the lines whose picked quantity differs from the order', () => {
    expect(changedPicks([apples, buns], { APPLES: '1,43', BUNS: '2' })).toEqual([{ sku: 'APPLES', quantity: 1.43 }])
  })
})
