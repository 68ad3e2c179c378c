// Next serves only the Payload admin panel (/admin); Express (src/server.ts) serves /api itself.
import crypto from 'node:crypto'

import { withPayload } from '@payloadcms/next/withPayload'
import { PHASE_PRODUCTION_BUILD } from 'next/constants.js'

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The project type-checks with `tsc --noEmit` on its own; `next build` would re-check every .ts (tests too).
  typescript: { ignoreBuildErrors: true },
  // Express already drops X-Powered-By; without this withPayload adds "X-Powered-By: Next.js, Payload".
  poweredByHeader: false,
}

export default (phase) => {
  // `next build` evaluates the admin pages' modules (and so the Payload config) with NODE_ENV=production,
  // where src/env.ts refuses to run without PAYLOAD_SECRET. Nothing is signed at build time and the value is
  // not inlined into the output (the config reads process.env again when the server starts), so a throwaway
  // secret lets the build run without the real one.
  if (phase === PHASE_PRODUCTION_BUILD && !process.env.PAYLOAD_SECRET) {
    process.env.PAYLOAD_SECRET = crypto.randomBytes(32).toString('hex')
  }
  return withPayload(nextConfig)
}
