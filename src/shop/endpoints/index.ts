// Every custom endpoint under /api, and the OpenAPI document built from the same zod schemas.
import type { Endpoint } from 'payload'

import { orderOperations } from '../../collections/orders/endpoints'
import { docsEndpoints, openApiDocument } from '../openapi'
import { cartEndpoints, cartOperations } from './cart'
import { checkoutEndpoints, checkoutOperations } from './checkout'
import { pickupEndpoints, pickupOperations } from './pickup'

export const shopOperations = [...cartOperations, ...checkoutOperations, ...orderOperations, ...pickupOperations]

export const shopEndpoints: Endpoint[] = [
  ...cartEndpoints,
  ...checkoutEndpoints,
  ...pickupEndpoints,
  ...docsEndpoints(() => openApiDocument(shopOperations, { title: '100am shop: cart, checkout, orders, pickup', version: '1.0.0' })),
]
