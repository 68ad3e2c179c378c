'use client'
// Which of the clerk's pickup points the desk serves: a choice when they work at several, a name for one.
import { useShopT } from '../client'

type Store = { id: number; name: string }

export function StorePicker({ stores, value, onChange }: { stores: Store[]; value: number | ''; onChange: (store: number | '') => void }) {
  const { t } = useShopT()
  if (stores.length === 1) return <p className="pickup-desk__store">{stores[0]!.name}</p>
  if (stores.length === 0) return null
  return (
    <label className="pickup-desk__field">
      {t('shop:store')}
      <select value={value} onChange={(e) => onChange(e.target.value === '' ? '' : Number(e.target.value))} name="store">
        <option value="">{t('shop:allMyStores')}</option>
        {stores.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  )
}
