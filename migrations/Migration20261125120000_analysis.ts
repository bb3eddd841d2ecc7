import { Migration } from '@mikro-orm/migrations'

// Analyses (docs/architecture.md "Data" and "Jobs"): one row per requested analysis; its id is the
// job id the API hands out and the pg-boss job id. event_seq numbers the progress events
// pushed to live clients (SSE ids), so it grows across retries and processes.
export class Migration20261125120000_analysis extends Migration {
  override async up (): Promise<void> {
    this.addSql(`create table analysis_results (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      target_id uuid not null,
      target_type text not null check (target_type in ('resume', 'portfolio')),
      status text not null default 'queued' check (status in ('queued', 'processing', 'completed', 'failed')),
      progress int not null default 0 check (progress between 0 and 100),
      step text null,
      overall_score int null,
      metrics jsonb null,
      strengths jsonb null,
      improvements jsonb null,
      detailed_report text null,
      model_used text null,
      provider text null,
      prompt_id text null,
      prompt_version text null,
      job_description text null,
      error text null,
      attempts int not null default 0,
      event_seq int not null default 1,
      created_at timestamptz not null default now(),
      started_at timestamptz null,
      completed_at timestamptz null
    );`)
    this.addSql('create index analysis_results_user_created on analysis_results (user_id, created_at desc);')
    this.addSql('create index analysis_results_target on analysis_results (target_id);')
  }

  override async down (): Promise<void> {
    this.addSql('drop table if exists analysis_results;')
  }
}
