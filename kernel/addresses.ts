// Which IP addresses the server may connect to on a user's behalf. A name a user controls
// (a custom domain now, a webhook URL later) can resolve to anything, including the
// server's own loopback, the private network it sits in or a cloud metadata address
// (169.254.169.254); connecting there would let the user probe or reach what only the
// server can. Special-purpose ranges from the IANA registries (RFC 6890 and successors).
import { BlockList, isIP } from 'node:net'

const NON_PUBLIC = new BlockList()
const V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4]
]
const V6: [string, number][] = [
  ['::', 128], ['::1', 128], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8]
]
for (const [net, bits] of V4) NON_PUBLIC.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of V6) NON_PUBLIC.addSubnet(net, bits, 'ipv6')

/** An IPv4 address carried inside an IPv6 one (::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d), else null. */
function embeddedV4 (ip: string): string | null {
  const m = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ip)
  if (!m) return null
  if (m[1]) return m[1]
  const hi = parseInt(m[2]!, 16)
  const lo = parseInt(m[3]!, 16)
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
}

/** Whether `ip` is a public unicast address; false for anything else, names included. */
export function isPublicAddress (ip: string): boolean {
  const family = isIP(ip)
  if (family === 4) return !NON_PUBLIC.check(ip, 'ipv4')
  if (family !== 6) return false
  const v4 = embeddedV4(ip)
  if (v4 !== null) return !NON_PUBLIC.check(v4, 'ipv4')
  return !NON_PUBLIC.check(ip, 'ipv6')
}
