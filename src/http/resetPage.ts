// Outside production, buyers' reset links point at the shop itself (env.storefront): this small page takes
// the token from the link and a new password, and calls POST /api/users/reset-password, as a storefront
// would. In production STOREFRONT_URL is required and this page is not served.
import type { Express } from 'express'

const PAGE = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>100am shop — новый пароль / new password</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}input,button{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin:.25rem 0 1rem}</style>
</head><body>
<h1>Новый пароль · New password</h1>
<form id="reset"><label>Пароль (от 12 символов) · Password (12+ characters)<input id="password" type="password" autocomplete="new-password" minlength="12" required></label>
<button>Сохранить · Save</button></form>
<p id="answer" role="status"></p>
<script>
const token = new URLSearchParams(location.search).get('token') || ''
document.getElementById('reset').addEventListener('submit', async (event) => {
  event.preventDefault()
  const res = await fetch('/api/users/reset-password', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token, password: document.getElementById('password').value }) })
  const body = await res.json().catch(() => ({}))
  document.getElementById('answer').textContent = res.ok ? 'Готово: пароль изменён. · Done: the password is changed.' : (body.errors && body.errors[0] && body.errors[0].message) || res.status
})
</script></body></html>`

export function serveResetPage(app: Express) {
  app.get('/reset-password', (_req, res) => {
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer').type('html').send(PAGE)
  })
}
