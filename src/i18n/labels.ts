// Admin-panel labels in the shop's two languages.
export const label = (en: string, ru: string) => ({ en, ru })
export const labels = (singular: [string, string], plural: [string, string]) => ({
  singular: label(...singular),
  plural: label(...plural),
})
