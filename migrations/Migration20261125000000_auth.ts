import { Migration } from '@mikro-orm/migrations'

// Accounts and refresh-token families (docs/architecture.md "Data").
export class Migration20261125000000_auth extends Migration {
  override async up (): Promise<void> {
    this.addSql('create type subscription_tier as enum (\'free\', \'pro\', \'enterprise\');')
    this.addSql(`create table users (
      id uuid primary key default gen_random_uuid(),
      email varchar(254) not null,
      password_hash text not null,
      full_name varchar(200) not null,
      avatar_url text null,
      subscription_tier subscription_tier not null default 'free',
      is_admin boolean not null default false,
      created_at timestamptz not null default now(),
      last_login timestamptz null,
      constraint users_email_lowercase check (email = lower(email))
    );`)
    this.addSql('create unique index users_email_unique on users (email);')
    this.addSql(`create table refresh_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      family_id uuid not null,
      token_hash char(64) not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz null,
      replaced_by uuid null references refresh_tokens (id) on delete set null
    );`)
    this.addSql('create unique index refresh_tokens_hash_unique on refresh_tokens (token_hash);')
    this.addSql('create index refresh_tokens_family_idx on refresh_tokens (family_id);')
    this.addSql('create index refresh_tokens_user_idx on refresh_tokens (user_id);')
  }

  override async down (): Promise<void> {
    this.addSql('drop table if exists refresh_tokens;')
    this.addSql('drop table if exists users;')
    this.addSql('drop type if exists subscription_tier;')
  }
}
