// A real nginx (Debian's package; .ci/run installs it) in front of shop processes, with the repo's proxy
// settings (deploy/nginx/shop-proxy.conf) included as they are. Everything it writes stays in a throwaway
// folder; it runs in the foreground as this process's child.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { freePort } from '../../src/db/embedded'
import { projectRoot } from '../../src/env'

export type Nginx = { base: string; child: ChildProcess; output: () => string; stop: () => Promise<void> }

export function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', 'nginx']) {
    if (spawnSync(candidate, ['-v']).status === 0) return candidate
  }
  throw new Error('nginx is not installed (apt-get install nginx; .ci/run does it when it is missing)')
}

export async function startNginx(upstreams: string[]): Promise<Nginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-nginx-'))
  // nginx's workers run as an unprivileged user when started by root: they must be able to write here.
  fs.chmodSync(dir, 0o777)
  const port = await freePort()
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream shop_web {
    ${upstreams.map((u) => `server ${u} max_fails=1 fail_timeout=5s;`).join('\n    ')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    include ${path.join(projectRoot, 'deploy', 'nginx', 'shop-proxy.conf')};
  }
}
`
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf)
  let output = ''
  const child = spawn(nginxBinary(), ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  while (!(await fetch(`${base}/healthz`).then(() => true, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start:\n${output}\n${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    base,
    child,
    output: () => output + (fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGQUIT') // graceful: finish what is in flight
        await exited
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
