// The local-disk driver on a real folder: what a reader gets when a delete races it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { LocalStorage } from './local.ts'

t.test('a file opened for serving stays whole when it is deleted before the body is read', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cvgen-local-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const storage = new LocalStorage({ root, publicUrl: 'http://127.0.0.1', secret: 'x'.repeat(32) })
  const bytes = Buffer.alloc(256 * 1024, 7)
  await storage.put('thumbnails/u/a.png', bytes, 'image/png')

  const file = await storage.open('thumbnails/u/a.png')
  t.ok(file)
  t.equal(file!.contentType, 'image/png')
  t.equal(file!.size, bytes.length)
  // A new preview replaced this one between the lookup and the first read of the body.
  await storage.delete('thumbnails/u/a.png')
  const chunks: Buffer[] = []
  for await (const chunk of file!.stream) chunks.push(chunk as Buffer)
  t.ok(Buffer.concat(chunks).equals(bytes), 'the whole old file, not a read error')

  t.equal(await storage.open('thumbnails/u/a.png'), null, 'afterwards: missing')
  t.equal(await storage.open('thumbnails/u'), null, 'a "folder" is no object')
})

t.test('reads racing deletes get the whole file or nothing, never a failed stream', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cvgen-local-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const storage = new LocalStorage({ root, publicUrl: 'http://127.0.0.1', secret: 'x'.repeat(32) })
  const bytes = Buffer.alloc(4096, 1)
  const outcomes = { whole: 0, missing: 0, failed: 0 }
  for (let i = 0; i < 300; i++) {
    const key = `thumbnails/u/${i}.png`
    await storage.put(key, bytes, 'image/png')
    const [file] = await Promise.all([storage.open(key), storage.delete(key)])
    if (!file) { outcomes.missing++; continue }
    try {
      const chunks: Buffer[] = []
      for await (const chunk of file.stream) chunks.push(chunk as Buffer)
      if (Buffer.concat(chunks).equals(bytes)) outcomes.whole++
      else outcomes.failed++
    } catch { outcomes.failed++ }
  }
  t.comment(JSON.stringify(outcomes))
  t.equal(outcomes.failed, 0, JSON.stringify(outcomes))
})

t.test('any case of private/ is private', async (t) => {
  const { isPrivateKey } = await import('./keys.ts')
  for (const key of ['private/exports/u/a.pdf', 'PRIVATE/exports/u/a.pdf', 'Private/x', 'pRiVaTe/x']) t.ok(isPrivateKey(key), key)
  for (const key of ['privatex/a', 'users/u/private/a.png', 'thumbnails/a.png']) t.notOk(isPrivateKey(key), key)
})

t.test('copy keeps the bytes and the type; a missing source is false', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cvgen-local-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const storage = new LocalStorage({ root, publicUrl: 'http://127.0.0.1', secret: 'x'.repeat(32) })
  await storage.put('thumbnails/u/a.png', Buffer.from('png bytes'), 'image/png')
  t.equal(await storage.copy('thumbnails/u/a.png', 'private/thumbnails/u/a.png'), true)
  t.same(await storage.get('private/thumbnails/u/a.png'), { size: 9, contentType: 'image/png', body: Buffer.from('png bytes') })
  t.ok(await storage.head('thumbnails/u/a.png'), 'the source stays')
  t.equal(await storage.copy('thumbnails/u/missing.png', 'private/x.png'), false)
  t.equal(await storage.copy('thumbnails/u', 'private/y.png'), false, 'a "folder" is no object')
  t.equal(await storage.head('private/x.png'), null)
})
