// One declaration per custom route: method, path, who may call it, the zod schemas of its parameters,
// headers and body, its responses and its handler. From it come both the Payload endpoint (which checks
// the caller and validates the input before the handler runs) and the route's OpenAPI operation
// (./openapi.ts), so the two cannot say different things.
import type { CollectionSlug, Endpoint, PayloadRequest } from 'payload'
import { addDataAndFileToRequest } from 'payload'
import { z } from 'zod'

import { type Capability, currentUser, type ShopUser, userCan } from '../shop/roles'
import { BadRequest, Forbidden, Unauthorized } from '../shop/errors'

/** Who may call a route: anyone, any signed-in user (a buyer acting on their own things), or a capability. */
export type Who = 'public' | 'signedIn' | Capability

export type ResponseSpec = {
  description: string
  /** The JSON body (output mode: extra keys are not allowed by the documented schema). */
  schema?: z.ZodType
  /** Defaults to application/json. */
  contentType?: string
}

type Shape = z.ZodObject<z.ZodRawShape>
type Out<S> = S extends z.ZodType ? z.output<S> : undefined

export type RouteContext<W extends Who, P, Q, H, B> = {
  req: PayloadRequest
  user: W extends 'public' ? ShopUser | null : ShopUser
  params: Out<P>
  query: Out<Q>
  headers: Out<H>
  body: Out<B>
}

export type RouteSpec<W extends Who, P, Q, H, B> = {
  method: 'get' | 'post' | 'patch' | 'delete'
  /** As clients see it, relative to /api, e.g. '/orders/:id/cancel'. */
  path: string
  /** The collection it lives under (Payload matches a collection's slug before root endpoints). */
  collection?: CollectionSlug
  tag: string
  summary: string
  description?: string
  who: W
  /** Path parameters, by name. */
  params?: P
  /** Query string parameters. */
  query?: Q
  /** Request headers, by their canonical name (e.g. 'Idempotency-Key'). */
  headers?: H
  /** The JSON body. */
  body?: B
  /**
   * false: the body is documented but read by the handler itself (a route that hands the request on to
   * one of Payload's own handlers, which reads the body; it can be read only once).
   */
  parseBody?: false
  responses: Record<number, ResponseSpec>
  handler: (ctx: RouteContext<W, P, Q, H, B>) => Promise<Response> | Response
}

/** A declared route, with its types erased (what the registry, the endpoint and the document need). */
export type Route = Omit<RouteSpec<Who, Shape | undefined, Shape | undefined, Shape | undefined, z.ZodType | undefined>, 'handler'> & {
  handler: (ctx: { req: PayloadRequest; user: ShopUser; params: unknown; query: unknown; headers: unknown; body: unknown }) => Promise<Response> | Response
}

export function defineRoute<
  W extends Who,
  P extends Shape | undefined = undefined,
  Q extends Shape | undefined = undefined,
  H extends Shape | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<W, P, Q, H, B>): Route {
  return spec as unknown as Route
}

const issuesOf = (error: z.ZodError) => error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))

function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw new BadRequest(`Invalid ${what}`, { issues: issuesOf(result.error) })
  return result.data
}

/** Parses the JSON body (malformed JSON is a 400, not a 500) and validates it with `schema`. */
export async function parseJsonBody<S extends z.ZodType>(req: PayloadRequest, schema: S): Promise<z.output<S>> {
  const contentType = (req.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase()
  if (contentType !== 'application/json') throw new BadRequest('Send a JSON body with Content-Type: application/json')
  if (req.method?.toUpperCase() === 'DELETE') {
    // Payload reads bodies of POST, PATCH and PUT only; a DELETE with a body (DELETE /users/me) is read here.
    const text = (await req.text?.()) ?? ''
    try {
      req.data = text ? JSON.parse(text) : {}
    } catch {
      throw new BadRequest('Invalid JSON')
    }
  } else await addDataAndFileToRequest(req)
  return validate(schema, req.data, 'request body')
}

/** 401 for anonymous callers of a non-public route, 403 for callers without its capability. */
export function authorize(req: PayloadRequest, who: Who): ShopUser | null {
  if (who === 'public') return currentUser(req)
  const user = currentUser(req)
  if (!user) throw new Unauthorized()
  if (who !== 'signedIn' && !userCan(req, who)) throw new Forbidden()
  return user
}

/** The path Payload matches: relative to the collection when the route lives under one. */
export function endpointPath(route: Pick<Route, 'path' | 'collection'>): string {
  if (!route.collection) return route.path
  const prefix = `/${route.collection}`
  if (!route.path.startsWith(`${prefix}/`)) throw new Error(`Route ${route.path} is not under /${route.collection}`)
  return route.path.slice(prefix.length)
}

/** The Payload endpoint of a route: caller checked, input validated, then the handler. */
export function toEndpoint(route: Route): Endpoint {
  return {
    path: endpointPath(route),
    method: route.method,
    handler: async (req) => {
      const user = authorize(req, route.who)
      const routeParams = Object.fromEntries(Object.entries(req.routeParams ?? {}).filter(([key]) => key !== 'collection'))
      const params = route.params ? validate(route.params, routeParams, 'path parameter') : undefined
      // Payload's JWT strategy leaves `depth: undefined` on every request's query: absent, not unknown.
      const given = Object.fromEntries(Object.entries(req.query ?? {}).filter(([, value]) => value !== undefined))
      const query = route.query ? validate(route.query, given, 'query parameter') : undefined
      const headers = route.headers
        ? validate(
            route.headers,
            Object.fromEntries(Object.keys(route.headers.shape).map((name) => [name, req.headers.get(name) ?? undefined])),
            'header',
          )
        : undefined
      const body = route.body && route.parseBody !== false ? await parseJsonBody(req, route.body) : undefined
      return route.handler({ req, user: user as ShopUser, params, query, headers, body })
    },
  }
}

export const json = (body: unknown, status = 200) => Response.json(body, { status })
