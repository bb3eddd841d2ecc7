import { Migration } from '@mikro-orm/migrations'

// Resumes (docs/architecture.md "Data"): JSON Resume content as JSONB, soft delete, public slugs.
export class Migration20261125100000_resumes extends Migration {
  override async up (): Promise<void> {
    this.addSql(`create table resumes (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      title varchar(200) not null,
      content jsonb not null default '{}'::jsonb,
      theme_config jsonb not null default '{}'::jsonb,
      thumbnail_url text null,
      is_public boolean not null default false,
      slug varchar(64) null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz null
    );`)
    // Unique among live resumes only: a deleted resume frees its slug.
    this.addSql('create unique index resumes_slug_live on resumes (slug) where deleted_at is null and slug is not null;')
    this.addSql('create index resumes_user_live on resumes (user_id, updated_at desc, id) where deleted_at is null;')
  }

  override async down (): Promise<void> {
    this.addSql('drop table if exists resumes;')
  }
}
