// Ports for servers a test starts itself (Caddy, a PGlite socket): free on 127.0.0.1 when asked.
import net from 'node:net'

export function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}
