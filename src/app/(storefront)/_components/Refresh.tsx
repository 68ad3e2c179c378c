'use client'
// Reloads the server-rendered page every `seconds` while the order can still change.
import { useRouter } from 'next/navigation'
import { useEffect } from 'react'

export function Refresh({ seconds }: { seconds: number }) {
  const router = useRouter()
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), seconds * 1000)
    return () => clearInterval(timer)
  }, [router, seconds])
  return null
}
