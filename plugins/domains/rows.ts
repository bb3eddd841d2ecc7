// A custom_domains row and its wire shape (docs/architecture.md "API").
import { instructions, type Instruction, type RecordType } from './names.ts'

export const COLUMNS = 'id, user_id, project_id, domain_name, verification_token, verification_status, dns_checked_at, ssl_status, record_type, created_at, verified_at, last_error, check_failures'

export interface DomainRow {
  id: string
  user_id: string
  project_id: string
  domain_name: string
  verification_token: string
  verification_status: 'pending' | 'verified' | 'failed'
  dns_checked_at: Date | null
  ssl_status: 'issuing' | 'active' | 'error' | null
  record_type: RecordType
  created_at: Date
  verified_at: Date | null
  last_error: string | null
  check_failures: number
}

export interface Domain {
  id: string
  domain_name: string
  portfolio_id: string
  verification_status: DomainRow['verification_status']
  ssl_status: DomainRow['ssl_status']
  record_type: RecordType
  dns_checked_at: Date | null
  verified_at: Date | null
  last_error: string | null
  created_at: Date
  instructions: Instruction[]
}

/** Raw rows may carry timestamps as text: the wire wants ISO 8601. */
const toDate = (v: Date | string | null): Date | null => v === null ? null : new Date(v)

export function toDomain (row: DomainRow, appDomain: string, gatewayIps: string[]): Domain {
  return {
    id: row.id,
    domain_name: row.domain_name,
    portfolio_id: row.project_id,
    verification_status: row.verification_status,
    ssl_status: row.ssl_status,
    record_type: row.record_type,
    dns_checked_at: toDate(row.dns_checked_at),
    verified_at: toDate(row.verified_at),
    last_error: row.last_error,
    created_at: toDate(row.created_at)!,
    instructions: instructions(row.domain_name, row.verification_token, row.record_type, appDomain, gatewayIps)
  }
}
