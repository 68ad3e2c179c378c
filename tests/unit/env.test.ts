// The environment is read and checked once, at start; production needs a real secret.
import { spawnSync } from 'node:child_process'

import { describe, expect, it } from '@jest/globals'

import { checkoutBounds, claimStaleAfterMs, trustProxy } from '../../src/env'

function loadEnv(vars: Record<string, string | undefined>) {
  const environment: Record<string, string> = { PATH: process.env.PATH ?? '' }
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) environment[k] = v
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', "await import('./src/env.ts')"], {
    env: environment as unknown as NodeJS.ProcessEnv,
    encoding: 'utf8',
  })
}

describe('environment', () => {
  it('refuses to start in production without PAYLOAD_SECRET', () => {
    const run = loadEnv({ NODE_ENV: 'production' })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/PAYLOAD_SECRET is not set/)
  })

  it('refuses a short secret', () => {
    const run = loadEnv({ NODE_ENV: 'production', PAYLOAD_SECRET: 'short' })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/at least 32 characters/)
  })

  it('starts in production with a real secret, the storefront address and the gateway named', () => {
    const run = loadEnv({ NODE_ENV: 'production', PAYLOAD_SECRET: 'x'.repeat(64), STOREFRONT_URL: 'https://shop.example', PAYMENT_GATEWAY: 'stub', SERVER_URL: 'https://shop.example' })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })

  it('refuses to start in production without STOREFRONT_URL (the reset links), and names it', () => {
    const run = loadEnv({ NODE_ENV: 'production', PAYLOAD_SECRET: 'x'.repeat(64), PAYMENT_GATEWAY: 'stub', SERVER_URL: 'https://shop.example' })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/STOREFRONT_URL is not set/)
    expect(loadEnv({ NODE_ENV: 'development', PAYLOAD_SECRET: 'x'.repeat(64) }).status).toBe(0)
    expect(loadEnv({ NODE_ENV: 'test', STOREFRONT_RESET_PATH: '/reset' }).stderr).toMatch(/STOREFRONT_RESET_PATH/)
  })

  it('runs the payment stub in production only when PAYMENT_GATEWAY=stub says so, and names the variable (#17)', () => {
    const production = { NODE_ENV: 'production', PAYLOAD_SECRET: 'x'.repeat(64), STOREFRONT_URL: 'https://shop.example', SERVER_URL: 'https://shop.example' }
    const unset = loadEnv(production)
    expect(unset.status).not.toBe(0)
    expect(unset.stderr).toMatch(/PAYMENT_GATEWAY is not set/)
    expect(loadEnv({ ...production, PAYMENT_GATEWAY: 'stripe' }).stderr).toMatch(/PAYMENT_GATEWAY/)
    expect(loadEnv({ ...production, PAYMENT_GATEWAY: 'stub' }).status).toBe(0)
    // Development and tests run the stub without being told.
    expect(loadEnv({ NODE_ENV: 'development', PAYLOAD_SECRET: 'x'.repeat(64) }).status).toBe(0)
  })

  it('refuses to start in production without SERVER_URL (the panel is accepted only from there), and names it', () => {
    const run = loadEnv({ NODE_ENV: 'production', PAYLOAD_SECRET: 'x'.repeat(64), STOREFRONT_URL: 'https://shop.example', PAYMENT_GATEWAY: 'stub' })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/SERVER_URL is not set/)
  })

  it('refuses a RESERVATION_TTL that is not a duration, and names it', () => {
    const run = loadEnv({ NODE_ENV: 'test', RESERVATION_TTL: 'soon' })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/RESERVATION_TTL/)
  })

  it('refuses a PAYMENT_TIMEOUT_MS above 60 s, and names it', () => {
    const run = loadEnv({ NODE_ENV: 'test', PAYMENT_TIMEOUT_MS: '60001' })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/PAYMENT_TIMEOUT_MS: must be an integer from 1 to 60000/)
    expect(loadEnv({ NODE_ENV: 'test', PAYMENT_TIMEOUT_MS: '60000' }).status).toBe(0)
  })

  it('takes a checkout claim for abandoned only after the reservation, the whole payment timeout and a margin', () => {
    expect(claimStaleAfterMs({ payment: { gateway: 'stub', timeoutMs: 60_000, stubLatencyMs: 0 }, checkout: checkoutBounds() })).toBe(10_000 + 60_000 + 15_000)
    expect(claimStaleAfterMs({ payment: { gateway: 'stub', timeoutMs: 5_000, stubLatencyMs: 0 }, checkout: checkoutBounds(300, 200) })).toBe(5_500)
  })

  it('refuses half an object storage setup: S3 settings without a bucket, one key without the other', () => {
    const noBucket = loadEnv({ NODE_ENV: 'test', S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY_ID: 'a' })
    expect(noBucket.status).not.toBe(0)
    expect(noBucket.stderr).toMatch(/S3_ENDPOINT, S3_ACCESS_KEY_ID set without S3_BUCKET/)
    const oneKey = loadEnv({ NODE_ENV: 'test', S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'a' })
    expect(oneKey.status).not.toBe(0)
    expect(oneKey.stderr).toMatch(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together/)
    const bothKeys = loadEnv({ NODE_ENV: 'test', S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' })
    expect(bothKeys.stderr).toBe('')
    expect(loadEnv({ NODE_ENV: 'test', S3_BUCKET: 'photos', S3_FORCE_PATH_STYLE: 'yes' }).stderr).toMatch(/S3_FORCE_PATH_STYLE/)
  })

  it('names the variable that is wrong', () => {
    const run = loadEnv({ NODE_ENV: 'test', PORT: 'eighty' })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/PORT/)
  })
})

describe('TRUST_PROXY', () => {
  it.each([
    ['', false],
    ['off', false],
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.168.1.7', ['10.0.0.0/8', '192.168.1.7']],
    ['fd00::/8,loopback', ['fd00::/8', 'loopback']],
    ['10.0.0.0/255.0.0.0', ['10.0.0.0/255.0.0.0']],
  ])('%p → %p', (text, trust) => {
    expect(trustProxy(text)).toEqual(trust)
  })

  it.each(['true', '11', '-1', '1.5', '10.0.0.0/33', 'fd00::/129', 'proxy.example.com', '10.0.0.1,', '10.0.0.0/8/8', '*'])('%p is refused', (text) => {
    expect(trustProxy(text)).toBeNull()
  })
})
