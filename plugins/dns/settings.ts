// The built-in DNS providers' settings (system and doh), read by config/ with every other.
import { definePluginSettings, p, setting } from '../../config/plugin-settings.ts'

export default definePluginSettings({
  DNS_SERVERS: setting(p.hostPortList, "resolvers as ip:port, comma separated; unset: the system's"),
  DNS_DOH_URL: setting(p.url(['http:', 'https:']), 'base URL of the DNS-over-HTTPS JSON API the doh provider asks (GET <base>/resolve?name=&type=)', 'https://cloudflare-dns.com/dns-query'),
  DNS_TIMEOUT: setting(p.duration(100, 60_000), 'how long one DNS question may take before it counts as a timeout', '3s')
})
