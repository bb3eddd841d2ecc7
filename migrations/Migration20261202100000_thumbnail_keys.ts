import { Migration } from '@mikro-orm/migrations'

// Previews of private resumes and unpublished portfolios live under private/ and are handed
// out as signed URLs minted per response, so the row keeps the storage key, not a URL. The
// keys of existing previews are read back from their public URLs (the path after the base).
export class Migration20261202100000_thumbnail_keys extends Migration {
  override async up (): Promise<void> {
    for (const table of ['resumes', 'portfolios']) {
      this.addSql(`alter table ${table} add column thumbnail_key text null;`)
      this.addSql(`update ${table} set thumbnail_key = substring(thumbnail_url from '(thumbnails/(resumes|portfolios)/[0-9a-f-]{36}/[0-9a-f]{20}\\.png)$') where thumbnail_url is not null;`)
      this.addSql(`alter table ${table} drop column thumbnail_url;`)
    }
  }

  override async down (): Promise<void> {
    // URLs depend on PUBLIC_URL or the bucket: previews render again after the next edit.
    for (const table of ['resumes', 'portfolios']) {
      this.addSql(`alter table ${table} drop column if exists thumbnail_key;`)
      this.addSql(`alter table ${table} add column if not exists thumbnail_url text null;`)
    }
  }
}
