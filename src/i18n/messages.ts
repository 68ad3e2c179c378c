// Answers the shop writes itself, in the user's language (./language.ts).
import type { Language } from './language'

export const MEDIA_MAX_MB = 10

const TOO_LARGE = {
  upload: { en: `The photo is too large: at most ${MEDIA_MAX_MB} MB.`, ru: `Фото слишком большое: не больше ${MEDIA_MAX_MB} МБ.` },
  json: { en: 'The request body is too large: at most 100 KB.', ru: 'Тело запроса слишком большое: не больше 100 КБ.' },
} as const

export const tooLarge = (kind: keyof typeof TOO_LARGE, language: Language) => TOO_LARGE[kind][language]
