// Shared by the embedded-database tests: a DATA_DIR whose PostgreSQL is stopped before the
// folder is removed (a server killed with -9 leaves its postmaster running, by design).
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopEmbeddedPostgres } from './process.js'

interface TestContext { teardown (fn: () => unknown): void }

export function embeddedDataDir (t: TestContext, parent = tmpdir()): string {
  const root = mkdtempSync(join(parent, 'cvgen-emb-'))
  // mkdtemp makes it 0700; run as root, the postgres user must be able to pass through.
  chmodSync(root, 0o711)
  const dataDir = join(root, 'data')
  t.teardown(async () => {
    await stopEmbeddedPostgres(dataDir)
    rmSync(root, { recursive: true, force: true })
  })
  return dataDir
}

export function sampleResume (): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('./fixtures/jsonresume/sample.resume.json', import.meta.url), 'utf8'))
}
