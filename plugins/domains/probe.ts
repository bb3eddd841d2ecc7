// The TLS probe: a handshake with the gateway for a domain, the way a browser would do it
// (SNI, certificate chain and name checked). Success means the gateway holds a valid
// certificate for the domain, so ssl_status becomes active.
import { readFileSync } from 'node:fs'
import { rootCertificates } from 'node:tls'
import tls from 'node:tls'

export interface ProbeOptions {
  /** The gateway's HTTPS address; null: the domain itself on 443. */
  address: { host: string, port: number } | null
  /** A CA the probe trusts besides the system's (read at each probe: it may appear later). */
  caFile: string | null
  timeoutMs: number
}

export async function probeTls (domain: string, opts: ProbeOptions): Promise<void> {
  const ca = [...rootCertificates]
  if (opts.caFile) ca.push(readFileSync(opts.caFile, 'utf8'))
  return await new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: opts.address?.host ?? domain,
      port: opts.address?.port ?? 443,
      servername: domain,
      ca,
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1']
    })
    const done = (err?: Error) => {
      clearTimeout(timer)
      socket.destroy()
      if (err) reject(err)
      else resolve()
    }
    const timer = setTimeout(() => done(new Error(`TLS handshake with the gateway for ${domain} timed out`)), opts.timeoutMs)
    socket.once('secureConnect', () => done())
    socket.once('error', (err) => done(err))
  })
}
