import { Migration } from '@mikro-orm/migrations'

// Resume parsing (docs/architecture.md "Jobs", parse.run): one row per uploaded file. Its id is the
// job id the API hands out and the pg-boss job id. The row (not pg-boss's job table, which
// pg-boss archives and deletes on its own schedule) holds progress, the draft and the
// failure reason, so a client can read the result for as long as the row lives.
export class Migration20261125160000_parse extends Migration {
  override async up (): Promise<void> {
    this.addSql(`create table parse_jobs (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      status text not null default 'queued' check (status in ('queued', 'processing', 'completed', 'failed')),
      progress int not null default 0 check (progress between 0 and 100),
      step text null,
      file_kind text not null check (file_kind in ('pdf', 'docx')),
      file_size int not null,
      storage_key text not null,
      draft jsonb null,
      confidence jsonb null,
      warnings jsonb null,
      error_code text null,
      error text null,
      attempts int not null default 0,
      created_at timestamptz not null default now(),
      completed_at timestamptz null
    );`)
    this.addSql('create index parse_jobs_user_created on parse_jobs (user_id, created_at desc);')
  }

  override async down (): Promise<void> {
    this.addSql('drop table if exists parse_jobs;')
  }
}
