// The browser pool on its own, with real Chromium: bounded pages, the per-render timeout,
// and a page that cannot reach the network.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { BrowserPool, chromiumInstalled } from './browser.ts'

const CHROMIUM = '/usr/bin/chromium'
const quiet = { warn () {}, info () {} }

t.test('renders are bounded, time out, and reuse warm pages', async (t) => {
  t.ok(chromiumInstalled(CHROMIUM), 'Chromium is installed (apt-get install -y chromium)')
  t.notOk(chromiumInstalled('/nonexistent/chromium'))
  const pool = new BrowserPool({ executablePath: CHROMIUM, maxPages: 2, timeoutMs: 1500, serve: () => null, log: quiet })
  t.teardown(() => pool.close())

  let running = 0
  let most = 0
  const pages = new Set<unknown>()
  await Promise.all(Array.from({ length: 6 }, () => pool.withPage(async (page) => {
    running++
    most = Math.max(most, running)
    pages.add(page)
    await page.setContent('<p>hello</p>')
    await new Promise((resolve) => setTimeout(resolve, 100))
    running--
  })))
  t.equal(most, 2, 'never more than maxPages at once')
  t.equal(pages.size, 2, 'six renders on two warm pages')

  await t.rejects(pool.withPage((page) => page.evaluate(() => new Promise(() => {}))), { name: 'RenderTimeout' }, 'a render that never ends times out')
  const text = await pool.withPage(async (page) => { await page.setContent('<p>after</p>'); return page.textContent('p') })
  t.equal(text, 'after', 'the pool still works after a timeout')
  t.equal(pool.launches, 1)

  await t.rejects(pool.withPage((page) => page.evaluate(() => new Promise(() => {}))), { name: 'RenderTimeout' })
  await t.rejects(pool.withPage((page) => page.evaluate(() => new Promise(() => {}))), { name: 'RenderTimeout' })
  t.equal(await pool.withPage(async (page) => { await page.setContent('<p>x</p>'); return page.textContent('p') }), 'x')
  t.equal(pool.launches, 2, 'two timeouts in a row replace the browser')
})

t.test('a printed page reaches no network: only what serve() answers loads', async (t) => {
  const hits: string[] = []
  const server = createServer((req, res) => { hits.push(req.url ?? ''); res.end('x') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const { port } = server.address() as AddressInfo
  const pool = new BrowserPool({
    executablePath: CHROMIUM,
    maxPages: 1,
    timeoutMs: 10_000,
    serve: (url) => url.pathname === '/allowed.css' ? { body: Buffer.from('p{color:rgb(1, 2, 3)}'), contentType: 'text/css' } : null,
    log: quiet
  })
  t.teardown(() => pool.close())
  const color = await pool.withPage(async (page) => {
    await page.setContent(`<link rel="stylesheet" href="http://print.example/allowed.css"><img src="http://127.0.0.1:${port}/tracker.png"><link rel="stylesheet" href="http://127.0.0.1:${port}/x.css"><p>hi</p>`, { waitUntil: 'load' })
    return page.evaluate(() => getComputedStyle(document.querySelector('p')!).color)
  })
  t.equal(color, 'rgb(1, 2, 3)', 'the answered stylesheet applied')
  t.same(hits, [], 'the local server saw no request')
})
