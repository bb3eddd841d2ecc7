import { Migration } from '@mikro-orm/migrations'

// What a parse could not place (plugins/parse/placement.ts): the document's lines missing from
// the draft and the sections it lacks, kept beside the draft so the dashboard can ask the
// user. Jobs completed before this answer with empty lists.
export class Migration20261203100000_parse_placement extends Migration {
  override async up (): Promise<void> {
    this.addSql('alter table parse_jobs add column unplaced jsonb null, add column sections_missing jsonb null;')
  }

  override async down (): Promise<void> {
    this.addSql('alter table parse_jobs drop column if exists unplaced, drop column if exists sections_missing;')
  }
}
