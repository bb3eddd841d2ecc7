import t from 'tap'
import { isPublicAddress } from './addresses.ts'

t.test('loopback, private, link-local, metadata and special ranges are not public', async (t) => {
  for (const ip of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.51.100.7', '203.0.113.9',
    '::1', '::', 'fe80::1', 'fd00::1', 'fc12::3', 'ff02::1', '2001:db8::1', '::ffff:127.0.0.1', '::ffff:7f00:1',
    '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', 'localhost', 'not an ip', '']) {
    t.notOk(isPublicAddress(ip), ip)
  }
})

t.test('ordinary public addresses are', async (t) => {
  for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8']) {
    t.ok(isPublicAddress(ip), ip)
  }
})
