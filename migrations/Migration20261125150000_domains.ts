import { Migration } from '@mikro-orm/migrations'

// Custom domains (docs/architecture.md "Data"): several accounts may hold a pending claim on one name,
// each with its own token; the partial unique index lets at most one live row per name be
// verified, so the first to verify wins even between concurrent checks. next_check_at and
// check_failures drive the worker's back-off; deleted_at marks a released domain.
export class Migration20261125150000_domains extends Migration {
  override async up (): Promise<void> {
    this.addSql(`create table custom_domains (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      project_id uuid not null references portfolios (id) on delete cascade,
      domain_name varchar(253) not null check (domain_name = lower(domain_name)),
      verification_token text not null unique,
      verification_status text not null default 'pending' check (verification_status in ('pending', 'verified', 'failed')),
      dns_checked_at timestamptz null,
      ssl_status text null check (ssl_status in ('issuing', 'active', 'error')),
      ssl_checked_at timestamptz null,
      record_type text not null check (record_type in ('CNAME', 'A', 'NS')),
      created_at timestamptz not null default now(),
      verified_at timestamptz null,
      last_error text null,
      check_failures int not null default 0,
      next_check_at timestamptz not null default now(),
      deleted_at timestamptz null
    );`)
    this.addSql("create unique index custom_domains_verified_name on custom_domains (domain_name) where verification_status = 'verified' and deleted_at is null;")
    this.addSql('create unique index custom_domains_user_name on custom_domains (user_id, domain_name) where deleted_at is null;')
    this.addSql('create index custom_domains_user on custom_domains (user_id, created_at desc) where deleted_at is null;')
    this.addSql('create index custom_domains_due on custom_domains (next_check_at) where deleted_at is null and verification_status <> \'failed\';')
  }

  override async down (): Promise<void> {
    this.addSql('drop table if exists custom_domains;')
  }
}
