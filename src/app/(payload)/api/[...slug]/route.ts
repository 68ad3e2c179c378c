// Payload's REST API as a Next route. Not used by default: Express serves /api straight from Payload's
// handler (measured faster, see BENCHMARKS.md). With API_VIA=next the server leaves /api to this route,
// which the benchmark uses to compare the two; both use the process's one Payload instance.
import config from '@payload-config'
import { REST_DELETE, REST_GET, REST_OPTIONS, REST_PATCH, REST_POST, REST_PUT } from '@payloadcms/next/routes'

export const GET = REST_GET(config)
export const POST = REST_POST(config)
export const DELETE = REST_DELETE(config)
export const PATCH = REST_PATCH(config)
export const PUT = REST_PUT(config)
export const OPTIONS = REST_OPTIONS(config)
