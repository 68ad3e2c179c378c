// "Download my data": the API's export of the buyer's account, handed to the browser as a file.
import { shop } from '../../_lib/shop'

export async function GET() {
  const { api, token } = await shop()
  if (!token) return new Response(null, { status: 303, headers: { Location: '/login?next=/account' } })
  const { data, response } = await api.GET('/users/me/data', { parseAs: 'text' })
  if (!response.ok || data === undefined) return new Response(null, { status: 303, headers: { Location: '/login?next=/account' } })
  return new Response(data as string, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': response.headers.get('content-disposition') ?? 'attachment; filename="100am-shop-account.json"',
      'Cache-Control': 'no-store',
    },
  })
}
