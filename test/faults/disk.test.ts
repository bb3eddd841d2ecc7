// DATA_DIR's disk full (a 3 MB tmpfs of the test's own, filled): an upload and an export
// answer 507 STORAGE_FULL (the export's job fails with that reason), and nothing
// half-written is left behind.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { bearer, build, register, sleep } from '../helper.ts'

/** Every file under `dir` (the objects, their type records, temporary files). */
const files = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))

t.test('a full disk: 507 STORAGE_FULL for an upload and an export, nothing half-written', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cvgen-full-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir])
  t.teardown(() => { execFileSync('umount', [dir]); rmdirSync(dir) })
  const app = await build(t, { DATA_DIR: dir, THUMBNAILS: 'false' })
  const user = await register(app)
  const resume = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(user.access), payload: { title: 'CV', template_id: 'classic', content: { basics: { name: 'Ada' } } } })
  // Fill it to the last block (the write stops at ENOSPC, keeping what fit).
  try { writeFileSync(join(dir, 'filler'), Buffer.alloc(4 * 1024 * 1024)) } catch (err) { t.equal((err as NodeJS.ErrnoException).code, 'ENOSPC', 'the disk is full') }
  const before = files(dir)

  const size = 400 * 1024
  const presign = await app.inject({ method: 'POST', url: '/uploads/presigned-url', headers: bearer(user.access), payload: { purpose: 'avatar', content_type: 'image/png', size } })
  t.equal(presign.statusCode, 200)
  const { url: uploadUrl, headers } = presign.json().data
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(size - 8, 1)])
  const put = await app.inject({ method: 'PUT', url: new URL(uploadUrl).pathname + new URL(uploadUrl).search, headers, payload: png })
  t.equal(put.statusCode, 507, 'the upload: 507')
  t.equal(put.json().error.code, 'STORAGE_FULL')

  const queued = await app.inject({ method: 'POST', url: `/resumes/${resume.json().data.id}/export`, headers: bearer(user.access), payload: { format: 'png' } })
  let row
  for (let end = Date.now() + 90_000; Date.now() < end; await sleep(200)) {
    row = (await app.inject({ method: 'GET', url: `/exports/${queued.json().data.export_id}`, headers: bearer(user.access) })).json().data
    if (row?.status === 'completed' || row?.status === 'failed') break
  }
  t.match(row, { status: 'failed', error: /storage is full/ }, 'the export fails with the reason')
  t.same(files(dir), before, 'nothing half-written left behind')
})
