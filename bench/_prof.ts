import { randomBytes } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { loadConfig } from '../config/index.js'
import { buildApp } from '../kernel/app.js'
import { createDatabase, randomId } from './lib.js'
const runId = randomId()
const db = await createDatabase('postgres://postgres@127.0.0.1:5432/postgres', `cvgen_prof_${runId}`)
const app = await buildApp(loadConfig({ DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: `prof-${runId}:`, JWT_SECRET: randomBytes(36).toString('base64url'), LOG_LEVEL: 'warn', DATA_DIR: '/tmp/prof/data' }), { logger: false })
await app.listen({ host: '127.0.0.1', port: 0 })
const reg = await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'p@example.com', password: 'pw-12345678abc', full_name: 'P' } })
const content = JSON.parse(readFileSync(new URL('../test/fixtures/analysis/portfolio.strong.json', import.meta.url), 'utf8'), (k, v) => k === 'image' ? undefined : v)
const r = await app.inject({ method: 'POST', url: '/portfolios', headers: { authorization: `Bearer ${reg.json().data.access_token}` }, payload: { title: 'x', template_id: 'modern', is_published: true, subdomain: 'bench', content } })
if (r.statusCode !== 201) throw new Error(r.body)
const port = (app.server.address() as net.AddressInfo).port
await fetch(`http://127.0.0.1:${port}/view/bench`)
const { spawn } = await import('node:child_process')
const secs = process.argv[2] ?? '10'
await new Promise((res) => { const c = spawn('wrk', ['-t1', '-c50', `-d${secs}s`, '--latency', `http://127.0.0.1:${port}/view/bench`], { stdio: 'inherit' }); c.on('close', res) })
await app.close(); await db.drop()
