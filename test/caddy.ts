// A real Caddy (Debian's /usr/bin/caddy) for tests: a generated Caddyfile with on-demand
// `tls internal` on high loopback ports, the admin API on a unix socket and all state in a
// temp dir, proxying to the app under test and asking its /internal/tls/ask.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import net from 'node:net'
import { join } from 'node:path'
import { waitFor } from './support/wait.ts'

export const CADDY = process.env.CVGEN_TEST_CADDY ?? '/usr/bin/caddy'

function canConnect (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => { s.destroy(); resolve(true) })
    s.once('error', () => resolve(false))
  })
}

export interface Caddy { httpsPort: number, httpPort: number, rootCaFile: string, output (): string, stop (): Promise<void> }

export function caddyfile (dir: string, ports: { http: number, https: number }, appPort: number, askToken = ''): string {
  return `{
  admin unix/${join(dir, 'admin.sock')}
  storage file_system ${join(dir, 'storage')}
  skip_install_trust
  default_bind 127.0.0.1
  http_port ${ports.http}
  https_port ${ports.https}
  auto_https disable_redirects
  on_demand_tls {
    ask http://127.0.0.1:${appPort}/internal/tls/ask${askToken ? `?token=${askToken}` : ''}
    interval 1m
    burst 50
  }
}

https:// {
  tls internal {
    on_demand
  }
  @internal path /internal/*
  respond @internal 404
  reverse_proxy 127.0.0.1:${appPort}
}
`
}

export async function startCaddy (dir: string, appPort: number, ports: { http: number, https: number }, askToken = ''): Promise<Caddy> {
  mkdirSync(join(dir, 'home'), { recursive: true })
  const file = join(dir, 'Caddyfile')
  writeFileSync(file, caddyfile(dir, ports, appPort, askToken))
  const home = join(dir, 'home')
  const child: ChildProcess = spawn(CADDY, ['run', '--config', file, '--adapter', 'caddyfile'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') }
  })
  let out = ''
  child.stdout!.on('data', (d) => { out += d })
  child.stderr!.on('data', (d) => { out += d })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => { if (child.exitCode === null) { child.kill('SIGTERM'); await exited } }
  await waitFor('caddy to listen', () => {
    if (child.exitCode !== null) throw new Error(`caddy exited with ${child.exitCode}`)
    return canConnect(ports.https)
  }, { timeoutMs: 20_000, intervalMs: 100 }).catch(async (err: Error) => { await stop(); throw new Error(`caddy did not start (${err.message}):\n${out}`) })
  return { httpsPort: ports.https, httpPort: ports.http, rootCaFile: join(dir, 'storage', 'pki', 'authorities', 'local', 'root.crt'), output: () => out, stop }
}

export interface HttpsAnswer { status: number, body: string, issuer: string | null }

/** GET https://<host><path> through the gateway on 127.0.0.1:port, trusting `ca` (SNI and Host = host). */
export function httpsGet (port: number, host: string, path: string, ca: string): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, servername: host, headers: { host }, ca, agent: false, timeout: 15_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => { body += d })
      res.on('end', () => {
        const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate?.()
        resolve({ status: res.statusCode ?? 0, body, issuer: cert?.issuer?.CN ? String(cert.issuer.CN) : null })
      })
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

export function readCa (file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null
}
