import { Migration } from '@mikro-orm/migrations'

// Exports (docs/architecture.md "Data" and "Jobs"): one row per requested PDF or PNG; its id is the
// export id the API hands out and the pg-boss job id. The file lives in storage under a
// private key, handed out only through short-lived signed URLs. Portfolios gain the
// thumbnail_url resumes already had (set by the thumbnail job).
export class Migration20261125140000_exports extends Migration {
  override async up (): Promise<void> {
    this.addSql(`create table exports (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      resume_id uuid not null references resumes (id) on delete cascade,
      format text not null check (format in ('pdf', 'png')),
      paper text not null default 'A4' check (paper in ('A4', 'Letter')),
      status text not null default 'queued' check (status in ('queued', 'processing', 'completed', 'failed')),
      storage_key text null,
      bytes int null,
      pages int null,
      font_coverage jsonb null,
      error text null,
      attempts int not null default 0,
      created_at timestamptz not null default now(),
      started_at timestamptz null,
      completed_at timestamptz null
    );`)
    this.addSql('create index exports_user_created on exports (user_id, created_at desc);')
    this.addSql('create index exports_resume on exports (resume_id);')
    this.addSql('alter table portfolios add column if not exists thumbnail_url text null;')
  }

  override async down (): Promise<void> {
    this.addSql('drop table if exists exports;')
    this.addSql('alter table portfolios drop column if exists thumbnail_url;')
  }
}
