// Next serves only the Payload admin panel (/admin); Express (src/server.ts) serves /api itself.
import { withPayload } from '@payloadcms/next/withPayload'

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The project type-checks with `tsc --noEmit` on its own; `next build` would re-check every .ts (tests too).
  typescript: { ignoreBuildErrors: true },
  // Express already drops X-Powered-By; without this withPayload adds "X-Powered-By: Next.js, Payload".
  poweredByHeader: false,
}

export default withPayload(nextConfig)
