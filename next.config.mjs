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
  // where src/env.ts refuses to run without PAYLOAD_SECRET, SERVER_URL, STOREFRONT_URL and PAYMENT_GATEWAY. Nothing is signed or emailed
  // at build time and the values are not inlined into the output (the config reads process.env again when
  // the server starts), so throwaway values let the build run without the real ones.
  if (phase === PHASE_PRODUCTION_BUILD) {
    process.env.PAYLOAD_SECRET ||= crypto.randomBytes(32).toString('hex')
    process.env.STOREFRONT_URL ||= 'https://storefront.invalid'
    process.env.SERVER_URL ||= 'https://server-url.invalid'
    process.env.PAYMENT_GATEWAY ||= 'stub'
  }
  return withPayload(nextConfig)
}
