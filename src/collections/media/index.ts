import type { CollectionConfig } from 'payload'

import { anyone, isAdmin } from '../../access'
import { env } from '../../env'
import { label, labels } from '../../i18n/labels'

export const MEDIA_MAX_BYTES = 10 * 1024 * 1024

export const Media: CollectionConfig = {
  slug: 'media',
  labels: labels(['Photo', 'Фото'], ['Photos', 'Фото']),
  access: { read: anyone, create: isAdmin, update: isAdmin, delete: isAdmin },
  upload: {
    staticDir: env.mediaDir,
    // Payload sniffs the content, so an SVG or HTML file named .jpg is refused too.
    mimeTypes: ['image/jpeg', 'image/png', 'image/webp'],
    // No fetching of files by URL: the server must not be made to call private addresses.
    pasteURL: false,
    imageSizes: [
      { name: 'thumbnail', width: 300, height: 300, position: 'centre' },
      { name: 'card', width: 768, height: undefined },
    ],
    adminThumbnail: 'thumbnail',
  },
  fields: [{ name: 'alt', type: 'text', label: label('Alternative text', 'Альтернативный текст') }],
}
