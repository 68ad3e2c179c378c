// Every custom route of the shop, by domain (./<domain>/), and the OpenAPI document made from their
// declarations. Root routes are served from the config's endpoints; routes under a collection from that
// collection's (Payload matches a collection's slug before root endpoints): see withCollectionRoutes.
import type { CollectionConfig, Endpoint } from 'payload'

import { builtInRoutes } from './builtIn'
import { cartRoutes } from './cart/routes'
import { catalogueRoutes } from './catalogue/routes'
import { checkoutRoutes } from './checkout/routes'
import { docsEndpoints, openApiDocument } from './openapi'
import { pickupRoutes } from './orders/pickup'
import { orderRoutes } from './orders/routes'
import { type Route, toEndpoint } from './route'
import { stockRoutes } from './stock/routes'
import { userRoutes } from './users/routes'

export const shopRoutes: Route[] = [...catalogueRoutes, ...cartRoutes, ...checkoutRoutes, ...pickupRoutes, ...orderRoutes, ...stockRoutes, ...userRoutes]

export const apiDocument = () => openApiDocument([...shopRoutes, ...builtInRoutes], { title: '100am shop: cart, checkout, orders, pickup', version: '1.0.0' })

/** The config's own endpoints: the root routes and the documentation. */
export const rootEndpoints = (): Endpoint[] => [...shopRoutes.filter((r) => !r.collection).map(toEndpoint), ...docsEndpoints(apiDocument)]

/** A collection with the routes that live under its slug added to its endpoints. */
export function withCollectionRoutes(collection: CollectionConfig): CollectionConfig {
  const routes = shopRoutes.filter((r) => r.collection === collection.slug)
  // `endpoints: false` turns Payload's own off for a collection: it is not turned back on here.
  if (routes.length === 0 || collection.endpoints === false) return collection
  return { ...collection, endpoints: [...(collection.endpoints ?? []), ...routes.map(toEndpoint)] }
}
