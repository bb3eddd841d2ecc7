// Wire shapes of /domains and the TLS ask (DESIGN.md).
export const DomainSchema = {
  $id: 'Domain',
  type: 'object',
  required: ['id', 'domain_name', 'portfolio_id', 'verification_status', 'ssl_status', 'record_type', 'dns_checked_at', 'last_error', 'instructions'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    domain_name: { type: 'string', description: 'lowercase, punycode for international names' },
    portfolio_id: { type: 'string', format: 'uuid' },
    verification_status: { type: 'string', enum: ['pending', 'verified', 'failed'] },
    ssl_status: { type: ['string', 'null'], enum: ['issuing', 'active', 'error', null], description: 'null until verified' },
    record_type: { type: 'string', enum: ['CNAME', 'A', 'NS'], description: 'CNAME for a subdomain, A (or ALIAS) for an apex' },
    dns_checked_at: { type: ['string', 'null'], format: 'date-time' },
    verified_at: { type: ['string', 'null'], format: 'date-time' },
    last_error: { type: ['string', 'null'], description: 'what the last check found wrong, in words' },
    created_at: { type: 'string', format: 'date-time' },
    instructions: {
      type: 'array',
      description: 'the records to add: the TXT proof, then the routing record(s)',
      items: {
        type: 'object',
        required: ['type', 'host', 'value'],
        properties: { type: { type: 'string', enum: ['TXT', 'CNAME', 'A', 'ALIAS'] }, host: { type: 'string' }, value: { type: 'string' } }
      }
    }
  }
} as const

export const CreateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['domain_name', 'portfolio_id'],
  properties: {
    domain_name: { type: 'string', minLength: 1, maxLength: 300, description: 'a host name you own, e.g. cv.example.com or example.com' },
    portfolio_id: { type: 'string', format: 'uuid' }
  }
} as const

export { IdParams } from '../../kernel/schemas.ts'

export const AskQuery = {
  type: 'object',
  required: ['domain'],
  properties: {
    domain: { type: 'string', minLength: 1, maxLength: 300 },
    token: { type: 'string', maxLength: 500 }
  }
} as const

export const AskAnswer = {
  type: 'object',
  required: ['domain', 'allowed'],
  properties: { domain: { type: 'string' }, allowed: { type: 'boolean' } }
} as const
