import { s3Storage } from '@payloadcms/storage-s3'
import type { Plugin } from 'payload'

import { env } from '../../env'

/**
 * Where photos live: S3-compatible storage when S3_BUCKET is set, else MEDIA_DIR. The plugin is always
 * applied (disabled without a bucket) so that both modes have the same columns and one set of migrations.
 * Photos are still served by the shop at /api/media/file/<name> (from the bucket by whichever process gets
 * the request), so the bucket can stay private and the media collection's read access still applies.
 */
export function photoStorage(s3 = env.s3): Plugin {
  return s3Storage({
    enabled: Boolean(s3),
    alwaysInsertFields: true,
    collections: { media: true },
    bucket: s3?.bucket ?? '',
    config: s3
      ? { endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle, credentials: s3.credentials }
      : {},
  })
}
