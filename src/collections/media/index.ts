import type { CollectionBeforeOperationHook, CollectionConfig, PayloadRequest } from 'payload'

import { anyone, can } from '../../access'
import { env } from '../../env'
import { label, labels } from '../../i18n/labels'
import { BadRequest, NotFound } from '../../shop/errors'

/**
 * `pasteURL: false` only closes Payload's paste-URL endpoint: a create with `{url, filename}` and no file
 * would still make the server fetch that URL. Refuse it: photos are uploaded, never fetched.
 */
const refuseFetchByUrl: CollectionBeforeOperationHook = ({ args, operation, req }) => {
  const data = (args as { data?: Record<string, unknown> }).data
  if (operation === 'create' && req.payloadAPI === 'REST' && !req.file && data && 'url' in data) {
    throw new BadRequest('Upload the photo itself; files are not fetched from URLs.', { field: 'url' })
  }
  return args
}

/**
 * GET /api/media/file/<name> for a name no photo has: 404. Payload would look on the disk (its read access
 * here is `anyone`, so it checks no document) and answer a 500 for the missing file.
 */
/** The sizes Payload makes of each photo (their files are served under their own names too). */
const IMAGE_SIZES = [
  { name: 'thumbnail', width: 300, height: 300, position: 'centre' as const },
  { name: 'card', width: 768, height: undefined },
]

const unknownFileIs404 = async (req: PayloadRequest, { params }: { params: { filename: string } }): Promise<void> => {
  const names = [{ filename: { equals: params.filename } }, ...IMAGE_SIZES.map(({ name }) => ({ [`sizes.${name}.filename`]: { equals: params.filename } }))]
  const photo = await req.payload.db.findOne({ collection: 'media', req, where: { or: names } })
  if (!photo) throw new NotFound('No such file')
}

export const Media: CollectionConfig = {
  slug: 'media',
  labels: labels(['Photo', 'Фото'], ['Photos', 'Фото']),
  access: {
    read: anyone,
    create: can('catalogue.manage'),
    update: can('catalogue.manage'),
    delete: can('catalogue.manage'),
  },
  hooks: { beforeOperation: [refuseFetchByUrl] },
  upload: {
    staticDir: env.mediaDir,
    // Payload sniffs the content, so an SVG or HTML file named .jpg is refused too.
    mimeTypes: ['image/jpeg', 'image/png', 'image/webp'],
    // No fetching of files by URL: the server must not be made to call private addresses.
    pasteURL: false,
    imageSizes: IMAGE_SIZES,
    adminThumbnail: 'thumbnail',
    handlers: [unknownFileIs404],
  },
  fields: [{ name: 'alt', type: 'text', label: label('Alternative text', 'Альтернативный текст') }],
}
