// A QR code as a black-and-white PNG, encoded here: one bit per pixel and no per-row filter search, so
// the image a checkout answers with costs a fraction of a millisecond (the general-purpose RGBA encoder
// of the `qrcode` package was the largest single cost of a checkout).
import zlib from 'node:zlib'

import QRCode from 'qrcode'

export type QrPngOptions = {
  /** Pixels per module (the QR code's "dot"). */
  scale?: number
  /** Quiet zone around the code, in modules (the standard asks for 4; 2 scans fine on screens). */
  margin?: number
  errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  data.copy(out, 8)
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

export function qrPng(text: string, { scale = 6, margin = 2, errorCorrectionLevel = 'M' }: QrPngOptions = {}): Buffer {
  const { modules } = QRCode.create(text, { errorCorrectionLevel })
  const size = modules.size
  const side = (size + 2 * margin) * scale
  const rowBytes = Math.ceil(side / 8)

  // Grayscale, 1 bit: a set bit is white. Each module row is drawn once and copied `scale` times.
  const stride = rowBytes + 1 // each row starts with its filter type, 0 (none)
  const raw = Buffer.alloc(stride * side, 0xff)
  const line = Buffer.alloc(stride)
  for (let y = 0; y < side; y++) raw[y * stride] = 0
  for (let my = 0; my < size; my++) {
    line.fill(0xff)
    line[0] = 0
    for (let mx = 0; mx < size; mx++) {
      if (!modules.get(my, mx)) continue
      for (let x = (mx + margin) * scale, end = x + scale; x < end; x++) line[1 + (x >> 3)]! &= ~(0x80 >> (x & 7))
    }
    for (let dy = 0; dy < scale; dy++) line.copy(raw, ((my + margin) * scale + dy) * stride)
  }

  const header = Buffer.alloc(13)
  header.writeUInt32BE(side, 0)
  header.writeUInt32BE(side, 4)
  header[8] = 1 // bit depth
  header[9] = 0 // colour type: grayscale
  // [10..12]: deflate, adaptive filtering, no interlace (all 0)
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
