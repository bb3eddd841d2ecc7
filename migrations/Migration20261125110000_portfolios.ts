import { Migration } from '@mikro-orm/migrations'

// Portfolios (docs/architecture.md "Data"): content and theme options as JSONB, soft delete, a public
// subdomain chosen by the user, and a custom domain set only by the domains plugin.
export class Migration20261125110000_portfolios extends Migration {
  override async up (): Promise<void> {
    this.addSql(`create table portfolios (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      title varchar(200) not null,
      subdomain varchar(63) null,
      custom_domain varchar(253) null,
      content jsonb not null default '{}'::jsonb,
      theme_config jsonb not null default '{}'::jsonb,
      is_published boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz null
    );`)
    // Unique among live portfolios only: a deleted portfolio frees its names.
    this.addSql('create unique index portfolios_subdomain_live on portfolios (subdomain) where deleted_at is null and subdomain is not null;')
    this.addSql('create unique index portfolios_custom_domain_live on portfolios (custom_domain) where deleted_at is null and custom_domain is not null;')
    this.addSql('create index portfolios_user_live on portfolios (user_id, updated_at desc, id) where deleted_at is null;')
  }

  override async down (): Promise<void> {
    this.addSql('drop table if exists portfolios;')
  }
}
