// The PNG encoder of pickup QR codes: a valid 1-bit PNG whose pixels are exactly the code's modules.
import zlib from 'node:zlib'

import { describe, expect, it } from '@jest/globals'
import { PNG } from 'pngjs'
import QRCode from 'qrcode'

import { qrPng } from '../../src/lib/qrPng'
import { readQr } from '../helpers/fixtures'

describe('QR code PNGs', () => {
  it.each(['ABCD-2345.abcdefghijklmnopqrstuv', 'x', 'a longer text: 100am shop, order ZZZZ-9999, pickup point 3'])(
    'scan back to their text (%s)',
    async (text) => {
      expect(await readQr(qrPng(text))).toBe(text)
    },
  )

  it('draw every module as a scale × scale square inside the quiet zone', () => {
    const text = 'ABCD-2345.abcdefghijklmnopqrstuv'
    const scale = 3
    const margin = 4
    const png = qrPng(text, { scale, margin })
    expect([png[24], png[25]]).toEqual([1, 0]) // IHDR: bit depth 1, grayscale
    const image = PNG.sync.read(png)
    const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
    const side = (modules.size + 2 * margin) * scale
    expect([image.width, image.height]).toEqual([side, side])
    let mismatches = 0
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const mx = Math.floor(x / scale) - margin
        const my = Math.floor(y / scale) - margin
        const inside = mx >= 0 && my >= 0 && mx < modules.size && my < modules.size
        const dark = inside && Boolean(modules.get(my, mx))
        if ((image.data[(y * side + x) * 4] === 0) !== dark) mismatches++
      }
    }
    expect(mismatches).toBe(0)
  })

  it('carries the right CRC on every chunk: IHDR, IDAT, IEND', () => {
    const png = qrPng('ABCD-2345.abcdefghijklmnopqrstuv')
    const chunks: Array<{ type: string; crcOk: boolean }> = []
    for (let offset = 8; offset < png.length; ) {
      const length = png.readUInt32BE(offset)
      const body = png.subarray(offset + 4, offset + 8 + length)
      chunks.push({ type: body.subarray(0, 4).toString('latin1'), crcOk: png.readUInt32BE(offset + 8 + length) === zlib.crc32(body) })
      offset += 12 + length
    }
    expect(chunks).toEqual([
      { type: 'IHDR', crcOk: true },
      { type: 'IDAT', crcOk: true },
      { type: 'IEND', crcOk: true },
    ])
  })
})
