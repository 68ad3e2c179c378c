// Without SMTP_URL every message becomes a .eml file: the full message, attachments included.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterEach, describe, expect, it } from '@jest/globals'
import type { Payload } from 'payload'

import { shopEmailAdapter } from '../../src/email/adapter'

const fakePayload = { logger: { info() {}, warn() {}, error() {} } } as unknown as Payload
// The smallest valid PNG signature plus a few bytes: enough for an attachment.
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')

const dirs: string[] = []
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-mail-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function emlFiles(dir: string) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.eml'))
}

describe('shop email adapter (file mode)', () => {
  it('writes one .eml file with subject, To, default From and the PNG attachment', async () => {
    const dir = tempDir()
    const adapter = shopEmailAdapter({ dir, from: '100am shop <orders@100am.shop>' })({ payload: fakePayload })
    expect(adapter.defaultFromName).toBe('100am shop')
    expect(adapter.defaultFromAddress).toBe('orders@100am.shop')

    await adapter.sendEmail({
      to: 'buyer@example.com',
      subject: 'Order 42 confirmed',
      text: 'Thank you for your order.',
      html: '<p>Thank you for your order.</p>',
      attachments: [{ filename: 'receipt-qr.png', content: png, contentType: 'image/png' }],
    })

    const files = emlFiles(dir)
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/^[\w-]+\.eml$/)
    const eml = fs.readFileSync(path.join(dir, files[0]!), 'utf8')
    expect(eml).toContain('Subject: Order 42 confirmed')
    expect(eml).toContain('To: buyer@example.com')
    expect(eml).toMatch(/From: "?100am shop"? <orders@100am\.shop>/)
    expect(eml).toContain('receipt-qr.png')
    expect(eml).toContain('Content-Type: image/png')
  })

  it('accepts a bare address as the default From', async () => {
    const dir = tempDir()
    const adapter = shopEmailAdapter({ dir, from: 'orders@100am.shop' })({ payload: fakePayload })
    expect(adapter.defaultFromName).toBe('')
    expect(adapter.defaultFromAddress).toBe('orders@100am.shop')

    await adapter.sendEmail({ to: 'buyer@example.com', subject: 'Hello', text: 'Hi' })

    const files = emlFiles(dir)
    expect(files).toHaveLength(1)
    expect(fs.readFileSync(path.join(dir, files[0]!), 'utf8')).toContain('From: orders@100am.shop')
  })
})
