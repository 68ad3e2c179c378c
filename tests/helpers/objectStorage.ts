// An S3-compatible server for the tests (s3rver, in this process, files in a throwaway folder), and a
// client to look into its bucket.
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'

import type { Env } from '../../src/env'

export type ObjectStorage = {
  /** As the shop reads it from S3_* (env.s3). */
  s3: NonNullable<Env['s3']>
  /** The same as environment variables, for a shop in a child process. */
  envVars: Record<string, string>
  keys: () => Promise<string[]>
  empty: () => Promise<void>
  close: () => Promise<void>
}

export async function startObjectStorage(bucket = 'shop-photos'): Promise<ObjectStorage> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-s3-'))
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] })
  const { port } = (await server.run()) as AddressInfo
  const s3 = {
    bucket,
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    // s3rver's fixed development credentials
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  }
  const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials })
  const keys = async () => {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }))
    return (listed.Contents ?? []).map((o) => o.Key!).sort()
  }
  return {
    s3,
    envVars: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    },
    keys,
    empty: async () => {
      const all = await keys()
      if (all.length) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: all.map((Key) => ({ Key })) } }))
    },
    close: async () => {
      client.destroy()
      await server.close()
      fs.rmSync(directory, { recursive: true, force: true })
    },
  }
}
