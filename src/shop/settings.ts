// Settings of one shop instance that its config carries (`config.custom.shop`), for what may differ between
// instances of one process (the tests run several): read through `settingsOf`, never from env directly.
import type { Payload } from 'payload'

export type ShopSettings = {
  /** Auth attempts a minute per client address; 0: no limit. */
  authRateLimit: number
}

export const shopSettings = (settings: ShopSettings) => ({ shop: settings })

/** The instance's settings (those of buildShopConfig). */
export const settingsOf = (payload: Payload): ShopSettings => (payload.config.custom as ReturnType<typeof shopSettings>).shop
