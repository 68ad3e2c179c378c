// Shapes of the API's answers, taken from the generated client (never written by hand).
import type { paths } from '../../../client'

type Ok<R> = R extends { 200: { content: { 'application/json': infer B } } } ? B : R extends { 201: { content: { 'application/json': infer B } } } ? B : never

/** The JSON a successful call of `path` with `method` answers. */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? Ok<R> : never
