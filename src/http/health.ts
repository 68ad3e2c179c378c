// What /healthz answers, in the web processes and in the worker: whether the database answers within 2 s.
import type { Payload } from 'payload'
import { postgresOf } from '../db/adapter'

export async function shopHealth(payload: Payload): Promise<{ status: 'ok' | 'unavailable'; database: 'up' | 'down' }> {
  const pool = postgresOf(payload).pool
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([pool.query('SELECT 1'), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 2000)))])
    return { status: 'ok', database: 'up' }
  } catch {
    return { status: 'unavailable', database: 'down' }
  } finally {
    clearTimeout(timer)
  }
}
