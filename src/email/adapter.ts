// Payload's email adapter: SMTP when SMTP_URL is set, otherwise each message lands as a .eml file,
// so development and tests need no mail server and a sent message can be opened in any mail client.
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'

import nodemailer from 'nodemailer'
import addressparser from 'nodemailer/lib/addressparser'
import type { EmailAdapter, SendEmailOptions } from 'payload'

import { env } from '../env'
import { htmlToText } from '../lib/html'

export type ShopEmailOptions = { smtpUrl?: string; from?: string; dir?: string }

/** "Name <addr>" or a bare "addr" → the name (may be empty) and the address. */
function parseFrom(from: string): { name: string; address: string } {
  const [first] = addressparser(from, { flatten: true })
  if (!first?.address) throw new Error(`MAIL_FROM is not an email address: ${from}`)
  return { name: first.name, address: first.address }
}

export function shopEmailAdapter(options: ShopEmailOptions = {}): EmailAdapter {
  const smtpUrl = options.smtpUrl ?? env.mail.smtpUrl
  const dir = options.dir ?? env.mail.dir
  const from = parseFrom(options.from ?? env.mail.from)

  return ({ payload }) => {
    // Built once per Payload instance: an SMTP transport keeps its connection settings.
    const transport = smtpUrl
      ? // Bounded well below the confirmation lease (src/shop/emails.ts): a hung mail server fails the
        // attempt instead of letting a second process send the same email.
        nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 })
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })

    return {
      name: smtpUrl ? 'smtp' : 'eml-file',
      defaultFromAddress: from.address,
      defaultFromName: from.name,
      sendEmail: async (message: SendEmailOptions) => {
        // Explicit: nodemailer's own defaults skip a key that is present but undefined.
        // Every email has a plain-text part: Payload's own (the password reset) come with HTML only.
        const text = message.text ?? (typeof message.html === 'string' ? htmlToText(message.html) : undefined)
        const info = await transport.sendMail({ ...message, text, from: message.from ?? from })
        if (smtpUrl) return info

        if (!Buffer.isBuffer(info.message)) throw new Error('stream transport returned no buffer')
        await fs.mkdir(dir, { recursive: true })
        // Sortable by time, unique per message, and safe on every file system (no ':').
        const stamp = new Date().toISOString().replace(/[:.]/g, '-')
        const file = path.join(dir, `${stamp}-${crypto.randomBytes(4).toString('hex')}.eml`)
        await fs.writeFile(file, info.message)
        payload.logger.info(`Email written to ${file} (subject: ${message.subject ?? ''})`)
        return { ...info, file }
      },
    }
  }
}
