// Every custom route of the shop, and the OpenAPI document made from their declarations. Root routes are
// served from the config's endpoints; routes under a collection from that collection's (see
// collectionEndpoints), so each collection lists only its own.
import type { Endpoint } from 'payload'

import { orderRoutes } from '../collections/orders/endpoints'
import { stockRoutes } from '../collections/stock/endpoints'
import { userRoutes } from '../collections/users/endpoints'
import { cartRoutes } from '../shop/endpoints/cart'
import { checkoutRoutes } from '../shop/endpoints/checkout'
import { pickupRoutes } from '../shop/endpoints/pickup'
import { docsEndpoints, openApiDocument } from './openapi'
import { type Route, toEndpoint } from './route'

export const shopRoutes: Route[] = [...cartRoutes, ...checkoutRoutes, ...pickupRoutes, ...orderRoutes, ...stockRoutes, ...userRoutes]

export const apiDocument = () => openApiDocument(shopRoutes, { title: '100am shop: cart, checkout, orders, pickup', version: '1.0.0' })

/** The config's own endpoints: the root routes and the documentation. */
export const rootEndpoints = (): Endpoint[] => [...shopRoutes.filter((r) => !r.collection).map(toEndpoint), ...docsEndpoints(apiDocument)]
