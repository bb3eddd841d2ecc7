// Public file URLs refuse private keys in any letter case: on a case-insensitive file system
// (macOS, Windows volumes) PRIVATE/... names the same file as private/..., so the check must
// not depend on the file system. This one is case-sensitive, so the object is stored under
// the upper-case key itself to show the route refusing it.
import t from 'tap'
import { build } from '../../test/helper.ts'

t.test('GET /storage/files/<any case of private/>... is 404', async (t) => {
  const app = await build(t)
  for (const key of ['PRIVATE/exports/u/a.pdf', 'Private/exports/u/b.pdf', 'private/exports/u/c.pdf']) {
    await app.storage.put(key, Buffer.from('%PDF-1.7 secret'), 'application/pdf')
    const res = await app.inject({ method: 'GET', url: `/storage/files/${key}` })
    t.equal(res.statusCode, 404, key)
    t.notMatch(res.body, /secret/)
  }
  await app.storage.put('thumbnails/u/ok.png', Buffer.from('png'), 'image/png')
  t.equal((await app.inject({ method: 'GET', url: '/storage/files/thumbnails/u/ok.png' })).statusCode, 200, 'a public key is served')
})
