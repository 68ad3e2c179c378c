// Serves the real Express app (without Next) on a free loopback port.
import type { AddressInfo } from 'node:net'

import type { Payload } from 'payload'

import { createApp } from '../../src/http/app'

export async function serve(payload: Payload) {
  const server = createApp(payload).listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
