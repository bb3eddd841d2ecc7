// A real DNS server on 127.0.0.1 (dns2, UDP) serving records a test writes: zone.txt/cname/a
// maps from a name to its values. A name with no records answers NXDOMAIN; a name with
// records of another type answers NODATA; `servfail` and `silent` names answer SERVFAIL or
// nothing at all (a timeout).
import dns2 from 'dns2'

// dns2's typings lack RCODE and want Resource objects where plain records work.
const Packet = dns2.Packet as any

export interface Zone {
  txt: Map<string, string[]>
  cname: Map<string, string>
  a: Map<string, string[]>
  servfail: Set<string>
  silent: Set<string>
}

export interface DnsServer { address: string, zone: Zone, queries: number, close (): Promise<void> }

export async function startDnsServer (): Promise<DnsServer> {
  const zone: Zone = { txt: new Map(), cname: new Map(), a: new Map(), servfail: new Set(), silent: new Set() }
  const state = { queries: 0 }
  const server = dns2.createServer({
    udp: true,
    handle: (request: any, send: (r: any) => void) => {
      state.queries++
      const response = Packet.createResponseFromRequest(request)
      const [question] = request.questions
      const name = String(question.name).toLowerCase().replace(/\.$/, '')
      if (zone.silent.has(name)) return
      if (zone.servfail.has(name)) { response.header.rcode = Packet.RCODE.SERVFAIL; return send(response) }
      const base = { name: question.name, class: Packet.CLASS.IN, ttl: 1 }
      const cname = zone.cname.get(name)
      if (cname) {
        // As a resolver does: the CNAME answers every type (RFC 1034 3.6.2).
        response.answers.push({ ...base, type: Packet.TYPE.CNAME, domain: cname })
        if (question.type === Packet.TYPE.A) for (const address of zone.a.get(cname) ?? []) response.answers.push({ ...base, name: cname, type: Packet.TYPE.A, address })
      } else if (question.type === Packet.TYPE.TXT) {
        for (const data of zone.txt.get(name) ?? []) response.answers.push({ ...base, type: Packet.TYPE.TXT, data })
      } else if (question.type === Packet.TYPE.A) {
        for (const address of zone.a.get(name) ?? []) response.answers.push({ ...base, type: Packet.TYPE.A, address })
      }
      const known = zone.txt.has(name) || zone.cname.has(name) || zone.a.has(name) ||
        [...zone.txt.keys(), ...zone.cname.keys(), ...zone.a.keys()].some((k) => k.endsWith(`.${name}`))
      if (response.answers.length === 0 && !known) response.header.rcode = Packet.RCODE.NXDOMAIN
      send(response)
    }
  })
  const listening = new Promise<void>((resolve) => server.on('listening', () => resolve()))
  await server.listen({ udp: { port: 0, address: '127.0.0.1' } })
  await listening
  const { udp } = server.addresses() as { udp: { port: number } }
  return {
    address: `127.0.0.1:${udp.port}`,
    zone,
    get queries () { return state.queries },
    close: () => server.close()
  }
}
