// Public names users pick: resume slugs (/r/<slug>) and portfolio subdomains
// (<sub>.APP_DOMAIN). Both are DNS-label-like so one rule serves both.

/** Names that would collide with our own hosts, routes or look official. */
export const RESERVED_NAMES = new Set([
  'www', 'api', 'app', 'admin', 'administrator', 'hosting', 'mail', 'email', 'smtp', 'imap', 'pop', 'ftp', 'ns', 'ns1', 'ns2',
  'dns', 'mx', 'cdn', 'static', 'assets', 'media', 'files', 'storage', 'uploads', 'img', 'images', 'docs', 'help', 'support',
  'status', 'blog', 'dashboard', 'auth', 'login', 'logout', 'signin', 'signup', 'register', 'account', 'accounts', 'settings',
  'billing', 'pay', 'payments', 'security', 'root', 'system', 'internal', 'localhost', 'cvgen', 'official', 'team', 'staff',
  'resumes', 'resume', 'portfolios', 'portfolio', 'themes', 'view', 'p', 'r', 'new', 'edit', 'null', 'undefined', 'test',
  'healthz', 'readyz', 'metrics', 'webhooks', 'abuse', 'postmaster', 'hostmaster', 'webmaster', 'noreply', 'no-reply'
])

/** Lowercase a-z, 0-9 and single hyphens inside; `max` is 64 for slugs, 63 (a DNS label) for subdomains. */
export function namePattern (max: number): string {
  return `^(?=.{3,${max}}$)[a-z0-9]+(?:-[a-z0-9]+)*$`
}

/** "Ada Lovelace — CV 2024" -> "ada-lovelace-cv-2024"; never empty, never reserved. */
export function slugify (title: string, max = 64): string {
  const base = title
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '') // é -> e
    .toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
    .slice(0, max - 7).replace(/-+$/, '')
  return base.length >= 3 && !RESERVED_NAMES.has(base) ? base : `${base || 'cv'}-page`.replace(/^-/, '')
}
