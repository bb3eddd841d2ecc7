// REMOTE_IMAGES on public pages: by default (off) only files cvgen stores are shown, so a
// page owner cannot embed a tracking pixel or hot-link someone else's image; the CSP's
// img-src follows. `https` allows any https image. JSON Resume content itself is stored
// unchanged either way (the rule applies when rendering).
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { bearer, build, register, type Account } from '../../test/helper.ts'

const TRACKER = 'https://tracker.example/pixel.png'
const PHOTO = 'https://photos.example/me.jpg'

async function pages (app: FastifyInstance, user: Account, slug: string, sub: string, ownImage: string) {
  const resume = await app.inject({
    method: 'POST',
    url: '/resumes',
    headers: bearer(user.access),
    payload: { title: 'CV', template_id: 'classic', is_public: true, slug, theme_config: { template_id: 'classic', show_photo: true }, content: { basics: { name: 'Ada Lovelace', image: PHOTO } } }
  })
  t.equal(resume.statusCode, 201, resume.body)
  t.equal(resume.json().data.content.basics.image, PHOTO, 'the document keeps its photo URL')
  const folio = await app.inject({
    method: 'POST',
    url: '/portfolios',
    headers: bearer(user.access),
    payload: { title: 'Works', template_id: 'modern', is_published: true, subdomain: sub, content: { about: `Hello ![Tracking pixel](${TRACKER}) and ![My diagram](${ownImage})`, projects: [], contact: {} } }
  })
  t.equal(folio.statusCode, 201, folio.body)
  return { resume: await app.inject({ url: `/r/${slug}` }), portfolio: await app.inject({ url: `/p/${sub}` }) }
}

t.test('REMOTE_IMAGES=off (default): only stored files; alt text in place of a refused image', async (t) => {
  const app = await build(t)
  const ada = await register(app)
  // An image cvgen stores, at its storage URL (https in production; this storage is local).
  const key = `users/${ada.id}/project/00000000-0000-4000-8000-000000000001.png`
  await app.storage.put(key, Buffer.from('png'), 'image/png')
  const own = app.storage.publicUrl(key).replace(/^http:/, 'https:')
  const { resume, portfolio } = await pages(app, ada, 'ada-images', 'ada-images', own)
  t.equal(resume.statusCode, 200)
  t.notMatch(resume.body, /photos\.example/, 'the remote photo is not shown')
  t.notMatch(portfolio.body, /tracker\.example/, 'no tracking pixel')
  t.match(portfolio.body, /Tracking pixel/, 'its alt text stands in its place')
  const csp = String(portfolio.headers['content-security-policy'])
  t.match(csp, /img-src [^;]*'self'/)
  t.notMatch(csp, /img-src [^;]*https:(?!\/\/)/, 'no https: wildcard in img-src')
  t.match(csp, new RegExp(`img-src [^;]*${new URL(app.storage.publicUrl(key)).origin.replace(/[.:/]/g, '\\$&')}`), 'the storage origin is allowed')
})

t.test('REMOTE_IMAGES=https: any https image, and img-src https:', async (t) => {
  const app = await build(t, { REMOTE_IMAGES: 'https' })
  const ada = await register(app)
  const { resume, portfolio } = await pages(app, ada, 'ada-remote', 'ada-remote', 'https://img.example/d.png')
  t.match(resume.body, /<img[^>]+src="https:\/\/photos\.example\/me\.jpg"/)
  t.match(portfolio.body, /<img[^>]+src="https:\/\/tracker\.example\/pixel\.png"[^>]*alt="Tracking pixel"|<img[^>]+alt="Tracking pixel"[^>]*src="https:\/\/tracker\.example\/pixel\.png"/)
  t.match(String(portfolio.headers['content-security-policy']), /img-src https: /)
})
