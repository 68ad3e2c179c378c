// The emails the shop wrote (.eml files in MAIL_DIR when there is no SMTP_URL), read as a person would.
import fs from 'node:fs'
import path from 'node:path'

import { env } from '../../src/env'

/** Quoted-printable: soft breaks joined, =XX bytes decoded (UTF-8). */
export const decodeQuotedPrintable = (text: string) =>
  Buffer.from(
    text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8')

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=) in a header. */
const decodeHeader = (value: string) =>
  value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_, how: string, text: string) =>
    how.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  )

export type ReadEmail = { file: string; to: string; subject: string; text: string; html: string }

function decodePart(part: string): { type: string; body: string } {
  const [head = '', ...rest] = part.split(/\r?\n\r?\n/)
  const body = rest.join('\n\n')
  const type = /content-type:\s*([^;\s]+)/i.exec(head)?.[1]?.toLowerCase() ?? 'text/plain'
  const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase()
  if (encoding === 'base64') return { type, body: Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') }
  if (encoding === 'quoted-printable') return { type, body: decodeQuotedPrintable(body) }
  return { type, body }
}

/** Every email written so far, oldest first. */
export function writtenEmails(dir = env.mail.dir): ReadEmail[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((file) => {
      const raw = fs.readFileSync(path.join(dir, file), 'utf8')
      const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ')
      const header = (name: string) => decodeHeader(new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '')
      const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1]
      const parts = boundary ? raw.split(`--${boundary}`).slice(1, -1).map((p) => p.replace(/^\r?\n/, '')) : [raw]
      const decoded = parts.flatMap((p) => {
        const inner = /boundary="?([^";\r\n]+)"?/i.exec(p.split(/\r?\n\r?\n/)[0]!)?.[1]
        return inner ? p.split(`--${inner}`).slice(1, -1).map((q) => decodePart(q.replace(/^\r?\n/, ''))) : [decodePart(p)]
      })
      return {
        file,
        to: header('To'),
        subject: header('Subject'),
        text: decoded.find((d) => d.type === 'text/plain')?.body ?? '',
        html: decoded.find((d) => d.type === 'text/html')?.body ?? '',
      }
    })
}

export const emailsTo = (address: string) => writtenEmails().filter((m) => m.to.toLowerCase().includes(address.toLowerCase()))
