'use client'
// The device's camera as a QR reader: the browser's BarcodeDetector where it exists, else jsQR on the video
// frames, a few times a second. `start` asks for the camera (false when there is none, or no permission);
// the first code found stops the camera and goes to `onCode`.
import jsQR from 'jsqr'
import { useCallback, useEffect, useRef, useState } from 'react'

type Detector = { detect: (source: CanvasImageSource) => Promise<Array<{ rawValue: string }>> }
declare global {
  interface Window {
    BarcodeDetector?: new (options: { formats: string[] }) => Detector
  }
}

/** A QR code in the video's current frame, read through a canvas by jsQR. */
function readFrame(video: HTMLVideoElement, canvas: HTMLCanvasElement | null): string | null {
  const { videoWidth: w, videoHeight: h } = video
  const context = canvas?.getContext('2d', { willReadFrequently: true })
  if (!canvas || !context || !w || !h) return null
  canvas.width = w
  canvas.height = h
  context.drawImage(video, 0, 0, w, h)
  return jsQR(context.getImageData(0, 0, w, h).data, w, h)?.data ?? null
}

export function useQrScanner(onCode: (code: string) => void) {
  const video = useRef<HTMLVideoElement>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const stream = useRef<MediaStream | null>(null)
  const [scanning, setScanning] = useState(false)

  const stop = useCallback(() => {
    stream.current?.getTracks().forEach((track) => track.stop())
    stream.current = null
    setScanning(false)
  }, [])

  // While the camera runs, show it (the video element exists once scanning is on, i.e. in this effect).
  useEffect(() => {
    if (!scanning) return
    if (video.current && stream.current && video.current.srcObject !== stream.current) {
      video.current.srcObject = stream.current
      void video.current.play().catch(() => {})
    }
    let stopped = false
    const detector = window.BarcodeDetector ? new window.BarcodeDetector({ formats: ['qr_code'] }) : null
    const tick = async () => {
      const frame = video.current
      if (stopped || !frame || frame.readyState < 2) return
      const found = detector ? ((await detector.detect(frame).catch(() => []))[0]?.rawValue ?? null) : readFrame(frame, canvas.current)
      if (!found || stopped) return
      stopped = true
      stop()
      onCode(found)
    }
    const timer = setInterval(() => void tick(), 200)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [scanning, onCode, stop])

  useEffect(() => stop, [stop])

  const start = useCallback(async (): Promise<boolean> => {
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      setScanning(true)
      return true
    } catch {
      return false
    }
  }, [])

  return { video, canvas, scanning, start, stop }
}
