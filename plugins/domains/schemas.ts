// Wire shapes of /domains and the TLS ask (docs/architecture.md "API"; the routes in plugins/domains/README.md).
import { Type, type Static } from 'typebox'
import { Nullable, StringEnum } from '../../kernel/schemas.ts'

export const DomainSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  domain_name: Type.String({ description: 'lowercase, punycode for international names' }),
  portfolio_id: Type.String({ format: 'uuid' }),
  verification_status: StringEnum(['pending', 'verified', 'failed']),
  ssl_status: Type.Unsafe<'issuing' | 'active' | 'error' | null>({ type: ['string', 'null'], enum: ['issuing', 'active', 'error', null], description: 'null until verified' }),
  record_type: StringEnum(['CNAME', 'A', 'NS'], { description: 'CNAME for a subdomain, A (or ALIAS) for an apex' }),
  dns_checked_at: Nullable(Type.String({ format: 'date-time' })),
  verified_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  last_error: Nullable(Type.String(), { description: 'what the last check found wrong, in words' }),
  created_at: Type.Optional(Type.String({ format: 'date-time' })),
  instructions: Type.Array(Type.Object({
    type: StringEnum(['TXT', 'CNAME', 'A', 'ALIAS']),
    host: Type.String(),
    value: Type.String()
  }), { description: 'the records to add: the TXT proof, then the routing record(s)' })
}, { $id: 'Domain' })

export const CreateBody = Type.Object({
  domain_name: Type.String({ minLength: 1, maxLength: 300, description: 'a host name you own, e.g. cv.example.com or example.com' }),
  portfolio_id: Type.String({ format: 'uuid' })
}, { additionalProperties: false })

export type DomainClaim = Static<typeof CreateBody>

export { IdParams } from '../../kernel/schemas.ts'

export const AskQuery = Type.Object({
  domain: Type.String({ minLength: 1, maxLength: 300 }),
  token: Type.Optional(Type.String({ maxLength: 500 }))
})

export const AskAnswer = Type.Object({
  domain: Type.String(),
  allowed: Type.Boolean()
})
