import type { Messages } from '../_lib/messages'
import { choosePickupPoint } from '../_lib/actions'

export type Point = { id: number; name: string; address: string; openingHours?: string | null }

/** The pickup point, chosen once and remembered (a cookie): availability everywhere is at this point. */
export function PickupPointPicker({ points, current, t, back }: { points: Point[]; current: number | undefined; t: Messages; back: string }) {
  return (
    <form action={choosePickupPoint} className="search">
      <input type="hidden" name="back" value={back} />
      <label className="sr-only" htmlFor="store">{t.pickupPoint}</label>
      <select id="store" name="store" defaultValue={current ?? ''} aria-label={t.pickupPoint}>
        <option value="">{t.choosePoint}</option>
        {points.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}, {p.address}
          </option>
        ))}
      </select>
      <button type="submit" className="secondary">{t.choose}</button>
    </form>
  )
}
