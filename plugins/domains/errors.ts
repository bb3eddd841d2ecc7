// Every code the domains plugin answers with.
import { defineErrors } from '../../kernel/errors.ts'

export const DomainsErrors = defineErrors('DOMAINS', {
  NOT_FOUND: [404, 'Domain not found'],
  INVALID_NAME: [400, 'The domain name %s'],
  TAKEN: [409, 'This domain is verified by another account; it can be claimed once they release it'],
  ALREADY_ADDED: [409, 'You have already added this domain'],
  PORTFOLIO_HAS_DOMAIN: [409, 'This portfolio already has a custom domain; release it first'],
  TLS_NOT_ALLOWED: [404, 'No certificate may be issued for this name'],
  TLS_ASK_FORBIDDEN: [403, 'Only the gateway may ask'],
  DNS_UNAVAILABLE: [503, 'The DNS provider is unavailable']
})
