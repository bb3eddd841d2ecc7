// Resume parsing over HTTP on real PostgreSQL (pg-boss), Redis, local storage and Chromium-made
// files: upload -> job -> draft -> POST /resumes/import, the 4xx for bad files, size caps and
// another user's job, and LLM refinement through the real OpenAI and Anthropic SDKs against the
// local fake vendor. Needs qpdf (to make an encrypted PDF) and Chromium.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { JobWithMetadata } from 'pg-boss'
import { loadConfig } from '../../config/index.ts'
import { buildApp } from '../../kernel/app.ts'
import { bearer, build, multipart, register, sleep, tempDir, testEnv, waitFor, waitForStatus, type Account } from '../../test/helper.ts'
import { draftOf, schemaOf, startFakeLlm, strictShape, type FakeRequest } from '../../test/llm-fake.ts'
import { strictProblems } from '../../test/openai-strict.ts'
import { loadFixtures, PdfPrinter } from './corpus.ts'
import { buildDocx } from './corpus-docx.ts'
import { ParseFailure } from './failure.ts'
import { validateResume } from './result.ts'
import type { ParserPool } from './sandbox.ts'
import { ParseService } from './service.ts'
import { Jobs } from '../../kernel/jobs.ts'
import { Queue } from '../../kernel/queue.ts'
import { PARSE_QUEUE, defineParseJob } from './worker.ts'

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII=', 'base64')

async function upload (app: FastifyInstance, acct: Account, file: Buffer, opts?: Parameters<typeof multipart>[1]) {
  const { payload, headers } = multipart(file, opts)
  const res = await app.inject({ method: 'POST', url: '/resumes/parse', payload, headers: { ...headers, ...bearer(acct.access) } })
  return { status: res.statusCode, body: res.json() }
}

const waitJob = (app: FastifyInstance, acct: Account, id: string) => waitForStatus(app, `/resumes/parse/${id}`, acct.access)

t.test('resume parsing over HTTP', async (t) => {
  const app = await build(t)
  const printer = await PdfPrinter.launch(app.config.chromiumPath, app.renderer.fonts.file)
  t.teardown(() => printer.close())
  const fixtures = await loadFixtures()
  const full = fixtures.find((f) => f.name === 'full')!
  const pdf = await printer.print(app.renderer.themes.renderResume(app.themes.get('classic')!, { content: full.content }))
  const docx = await buildDocx(full.content)
  const alice = await register(app)
  const bob = await register(app)

  await t.test('PDF: upload -> job -> draft -> POST /resumes/import', async (t) => {
    const res = await upload(app, alice, pdf)
    t.equal(res.status, 202)
    t.equal(res.body.data.status, 'queued')
    const job = await waitJob(app, alice, res.body.data.job_id)
    t.equal(job.status, 'completed', JSON.stringify(job.error))
    t.equal(job.progress, 100)
    t.ok(validateResume(job.draft), 'the draft is a valid JSON Resume document')
    t.equal(job.draft.basics.name, 'Amélie Fontaine')
    t.equal(job.draft.basics.email, 'amelie.fontaine@example.com')
    t.equal(job.draft.work[0].startDate, '2021-03')
    t.equal(job.draft.work[1].name, 'Banque Horizon')
    for (const [path, c] of Object.entries(job.confidence as Record<string, number>)) t.ok(c >= 0 && c <= 1, path)
    t.ok(job.confidence['basics.email'] > 0.9)
    const imported = await app.inject({ method: 'POST', url: '/resumes/import?title=Parsed', payload: job.draft, headers: bearer(alice.access) })
    t.equal(imported.statusCode, 201, imported.body)
    t.same(imported.json().data.content.work[0].highlights, full.content.work && (full.content.work as any)[0].highlights)

    // The upload is deleted once parsed: just after the row says completed, so allow a moment.
    const leftOver = () => execFileSync('find', [join(app.config.dataDir, 'uploads'), '-type', 'f', '-path', '*parse*'], { encoding: 'utf8' }).trim()
    await waitFor(() => `no parse upload left on disk (have ${leftOver()})`, () => leftOver() === '', { timeoutMs: 5000, intervalMs: 100 })
    const [row] = await app.db.fork().execute<{ storage_key: string }[]>('select storage_key from parse_jobs where id = ?', [res.body.data.job_id])
    t.equal(await app.storage.head(row!.storage_key), null, 'deleted after success')
  })

  await t.test('DOCX upload gives the same draft fields', async (t) => {
    const res = await upload(app, alice, docx, { filename: 'cv.docx' })
    t.equal(res.status, 202)
    const job = await waitJob(app, alice, res.body.data.job_id)
    t.equal(job.status, 'completed')
    t.equal(job.draft.basics.name, 'Amélie Fontaine')
    t.equal(job.draft.education[0].institution, 'INSA Lyon')
    t.same(job.draft.skills[1].keywords, ['Kubernetes', 'Terraform', 'OpenTelemetry'])
  })

  await t.test('another user\'s job is 404, a missing one too, no token is 401', async (t) => {
    const res = await upload(app, alice, pdf)
    const id = res.body.data.job_id
    const other = await app.inject({ method: 'GET', url: `/resumes/parse/${id}`, headers: bearer(bob.access) })
    t.equal(other.statusCode, 404)
    t.equal(other.json().error.code, 'PARSE_NOT_FOUND')
    t.notMatch(other.body, /draft/)
    const missing = await app.inject({ method: 'GET', url: '/resumes/parse/00000000-0000-4000-8000-000000000000', headers: bearer(alice.access) })
    t.equal(missing.statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url: `/resumes/parse/${id}` })).statusCode, 401)
    t.equal((await app.inject({ method: 'GET', url: '/resumes/parse/not-a-uuid', headers: bearer(alice.access) })).statusCode, 400)
    t.equal((await upload(app, { ...alice, access: 'bad' }, pdf)).status, 401)
  })

  await t.test('other types are 415', async (t) => {
    for (const [file, name] of [[PNG, 'photo.png'], [Buffer.from('plain text resume, not a PDF'), 'cv.txt'], [Buffer.from('<html><body>cv</body></html>'), 'cv.html']] as const) {
      const res = await upload(app, alice, file, { filename: name, type: 'application/pdf' })
      t.equal(res.status, 415, name)
      t.equal(res.body.error.code, 'PARSE_UNSUPPORTED_TYPE')
    }
    // A zip that is not a Word document (no word/document.xml).
    const zip = execFileSync('python3', ['-c', 'import io,zipfile,sys;b=io.BytesIO();z=zipfile.ZipFile(b,"w");z.writestr("a.txt","hello");z.close();sys.stdout.buffer.write(b.getvalue())'])
    t.equal((await upload(app, alice, zip)).status, 415)
    const json = await app.inject({ method: 'POST', url: '/resumes/parse', payload: { file: 'x' }, headers: bearer(alice.access) })
    t.equal(json.statusCode, 415)
    const noFile = multipart(pdf, { field: 'other' })
    const wrongField = await app.inject({ method: 'POST', url: '/resumes/parse', payload: noFile.payload, headers: { ...noFile.headers, ...bearer(alice.access) } })
    t.equal(wrongField.statusCode, 400)
  })

  await t.test('empty, encrypted and corrupt files are 422 with the reason', async (t) => {
    const dir = tempDir(t)
    writeFileSync(join(dir, 'in.pdf'), pdf)
    execFileSync('qpdf', ['--encrypt', 'user-pw', 'owner-pw', '256', '--', join(dir, 'in.pdf'), join(dir, 'enc.pdf')])
    const cases: [string, Buffer, string][] = [
      ['empty', Buffer.alloc(0), 'PARSE_EMPTY'],
      ['encrypted', readFileSync(join(dir, 'enc.pdf')), 'PARSE_ENCRYPTED'],
      ['truncated PDF', pdf.subarray(0, pdf.length / 2), 'PARSE_CORRUPT'],
      ['corrupt DOCX', Buffer.concat([docx.subarray(0, 30), Buffer.alloc(200, 7)]), 'PARSE_CORRUPT'],
      ['zip bomb (declared sizes)', declareHuge(docx), 'PARSE_TOO_LARGE_UNZIPPED']
    ]
    for (const [name, file, code] of cases) {
      const res = await upload(app, alice, file)
      t.equal(res.status, 422, name)
      t.equal(res.body.error.code, code, name)
      t.ok(res.body.error.message.length > 10, name)
    }
  })

  await t.test('what only parsing finds fails the job with a 422-class reason', async (t) => {
    const scanned = await printer.print('<!doctype html><body style="margin:0"><img style="width:600px;height:800px" src="data:image/png;base64,' + PNG.toString('base64') + '"></body>')
    const res = await upload(app, alice, scanned)
    t.equal(res.status, 202)
    const job = await waitJob(app, alice, res.body.data.job_id)
    t.equal(job.status, 'failed')
    t.same(job.error, { code: 'PARSE_IMAGE_ONLY', status: 422, message: job.error.message })
    t.match(job.error.message, /scanned/)
    t.notOk(job.draft)

    const lying = await upload(app, alice, declareSmall(docx))
    t.equal(lying.status, 202, 'declared sizes look fine to the API')
    const lyingJob = await waitJob(app, alice, lying.body.data.job_id)
    t.equal(lyingJob.error?.code, 'PARSE_CORRUPT', 'the worker inflates and catches the lie')
  })
})

t.test('the uploaded file is private while the job waits, and deleted however the job ends', async (t) => {
  // ROLE=api: nothing parses here, so the file stays pending until the handler below runs.
  const app = await build(t, { ROLE: 'api' })
  const alice = await register(app)
  const bob = await register(app)
  const file = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200, 32), Buffer.from('\n%%EOF')])
  const keyOf = async (id: string) => (await app.db.fork().execute<{ storage_key: string }[]>('select storage_key from parse_jobs where id = ?', [id]))[0]!.storage_key
  const queued = async () => {
    const res = await upload(app, alice, file)
    t.equal(res.status, 202)
    return { id: res.body.data.job_id as string, key: await keyOf(res.body.data.job_id) }
  }
  // The job as a worker runs it, with a parser of the test's making: its own app.jobs, so the
  // definition does not clash with the app's.
  const run = (id: string, pool: Pick<ParserPool, 'parse'>, retryCount = 2) => {
    const local = Object.create(app, { jobs: { value: new Jobs(new Queue(app.db.connection, () => {}), app.log, false) } }) as FastifyInstance
    defineParseJob(local, new ParseService(app.db), pool as ParserPool)
    return local.jobs.handler(PARSE_QUEUE)({ id, data: { parse_id: id }, retryCount, retryLimit: 2 } as unknown as JobWithMetadata<object>)
  }

  const pending = await queued()
  t.match(pending.key, new RegExp(`^private/parse/${alice.id}/${pending.id}\\.pdf$`), 'stored under the private prefix')
  t.ok(await app.storage.head(pending.key), 'stored')
  for (const path of [pending.key, `parse/${alice.id}/${pending.id}.pdf`]) {
    const res = await app.inject({ method: 'GET', url: `/storage/files/${path}` })
    t.equal(res.statusCode, 404, `GET /storage/files/${path} while pending`)
    t.notOk(res.rawPayload.includes(Buffer.from('%PDF')), 'no bytes of the file')
  }
  t.equal((await app.inject({ method: 'GET', url: `/resumes/parse/${pending.id}`, headers: bearer(bob.access) })).statusCode, 404, "another user's job is 404")

  // The server fails on it on the last attempt: the job fails for good and the file goes.
  const broken = { parse: async () => { throw new Error('the parser crashed') } }
  await t.rejects(run(pending.id, broken), /crashed/)
  const failed = (await app.inject({ method: 'GET', url: `/resumes/parse/${pending.id}`, headers: bearer(alice.access) })).json().data
  t.equal(failed.error.code, 'PARSE_FAILED')
  t.equal(await app.storage.head(pending.key), null, 'deleted after the final failure')

  // An attempt pg-boss will retry keeps the file for the next one.
  const retried = await queued()
  await t.rejects(run(retried.id, broken, 0))
  t.ok(await app.storage.head(retried.key), 'kept for the retry')

  // A row written before uploads moved under private/ still names parse/...: it is read and deleted.
  const legacy = await queued()
  const oldKey = `parse/${alice.id}/${legacy.id}.pdf`
  await app.storage.delete(legacy.key)
  await app.storage.put(oldKey, file, 'application/pdf')
  await app.db.fork().execute('update parse_jobs set storage_key = ? where id = ?', [oldKey, legacy.id])
  let read: Buffer | null = null
  await run(legacy.id, { parse: async (_kind, bytes) => { read = bytes; throw new ParseFailure('IMAGE_ONLY') } })
  t.ok(read && (read as Buffer).equals(file), 'the worker read the old key')
  t.equal(await app.storage.head(oldKey), null, 'and deleted it when the file was refused')
})

t.test('size caps: the setting and the plan', async (t) => {
  const app = await build(t, { PARSE_MAX_BYTES: '4096', ROLE: 'api' })
  const acct = await register(app)
  const res = await upload(app, acct, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5000, 32), Buffer.from('%%EOF')]))
  t.equal(res.status, 413)
  t.equal(res.body.error.code, 'PARSE_FILE_TOO_LARGE')
  t.same(res.body.error.details, { limit: 4096, tier: 'free' })

  const dir = tempDir(t)
  writeFileSync(join(dir, 'tiers.json'), JSON.stringify({ free: { uploadBytes: 2048 } }))
  const small = await build(t, { TIERS_FILE: join(dir, 'tiers.json'), ROLE: 'api' })
  const user = await register(small)
  const capped = await upload(small, user, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 32), Buffer.from('%%EOF')]))
  t.equal(capped.status, 413)
  t.same(capped.body.error.details, { limit: 2048, tier: 'free' })
})

/** Central directory entries of a zip: patch each uncompressed size (offset 24) with `size(old)`. */
function patchSizes (zip: Buffer, size: (old: number, name: string) => number): Buffer {
  const out = Buffer.from(zip)
  for (let i = out.indexOf(Buffer.from([0x50, 0x4b, 1, 2])); i >= 0; i = out.indexOf(Buffer.from([0x50, 0x4b, 1, 2]), i + 4)) {
    const nameLen = out.readUInt16LE(i + 28)
    const name = out.subarray(i + 46, i + 46 + nameLen).toString()
    out.writeUInt32LE(size(out.readUInt32LE(i + 24), name), i + 24)
  }
  return out
}
const declareHuge = (zip: Buffer) => patchSizes(zip, (old, name) => (name === 'word/document.xml' ? 0x7fffffff : old))
const declareSmall = (zip: Buffer) => patchSizes(zip, (old, name) => (name === 'word/document.xml' ? 100 : old))

t.test('ROLE=api only queues; a ROLE=worker process parses', async (t) => {
  const env = await testEnv(t)
  const api = await buildApp(await loadConfig({ ...env, ROLE: 'api' }), { logger: false })
  t.teardown(() => api.close())
  await api.ready()
  const acct = await register(api)
  const docx = await buildDocx((await loadFixtures()).find((f) => f.name === 'strong')!.content)
  const res = await upload(api, acct, docx)
  t.equal(res.status, 202)
  await sleep(1500)
  const queued = (await api.inject({ method: 'GET', url: `/resumes/parse/${res.body.data.job_id}`, headers: bearer(acct.access) })).json().data
  t.equal(queued.status, 'queued', 'nothing parses in the API process')

  const worker = await buildApp(await loadConfig({ ...env, ROLE: 'worker' }), { logger: false })
  t.teardown(() => worker.close())
  await worker.ready()
  const job = await waitJob(api, acct, res.body.data.job_id)
  t.equal(job.status, 'completed')
  t.equal(job.draft.basics.name, 'Amara Okonkwo-Lindqvist')
})

// Refinement through the real SDKs against the fake vendor (test/llm-fake.ts), which refuses a
// strict schema OpenAI would refuse. The first job (a 500) gives the rule-based draft and its
// confidences, which the later jobs on the same file are compared with.
const fake = await startFakeLlm()
t.teardown(() => fake.close())
const VENDORS = {
  openai: { AI_PROVIDER: 'openai', OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'sk-test' },
  anthropic: { AI_PROVIDER: 'anthropic', ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-test' }
}
/** A scripted answer: the draft the request carries, edited, in the strict form the schema sent asks for. */
const answerWith = (edit: (draft: any) => void) => ({
  answer: (req: FakeRequest) => {
    const draft = structuredClone(draftOf(req))
    edit(draft)
    return strictShape(schemaOf(req.body), draft)
  }
})
const round = (n: number) => Math.round(n * 100) / 100

for (const [vendor, env] of Object.entries(VENDORS)) {
  const format = vendor === 'openai' ? 'pdf' : 'docx'
  t.test(`LLM refinement through the real ${vendor} SDK, on a ${format.toUpperCase()}`, async (t) => {
    const app = await build(t, { ...env, AI_MODEL: 'test-model', AI_TIMEOUT: '1500ms' })
    const acct = await register(app)
    const strong = (await loadFixtures()).find((f) => f.name === 'strong')!.content
    let file: Buffer
    if (format === 'pdf') {
      const printer = await PdfPrinter.launch(app.config.chromiumPath, app.renderer.fonts.file)
      file = await printer.print(app.renderer.themes.renderResume(app.themes.get('classic')!, { content: strong }))
      await printer.close()
    } else file = await buildDocx(strong)
    const parse = async () => waitJob(app, acct, (await upload(app, acct, file, { filename: `cv.${format}` })).body.data.job_id)
    const warnings = (job: any) => (job.warnings as string[]).join(' | ')
    t.beforeEach(() => fake.reset())
    let rule: any

    await t.test('a failing vendor (HTTP 500): the rule-based draft stands, with a warning', async (t) => {
      fake.script({ status: 500 })
      rule = await parse()
      t.equal(rule.status, 'completed')
      t.equal(rule.draft.basics.name, 'Amara Okonkwo-Lindqvist')
      t.match(warnings(rule), `The ${vendor} refinement failed; this is the rule-based draft`)
      t.equal(fake.requests.length, 1, 'a 5xx is not retried')
    })

    await t.test('the request: the draft and the text as data, the configured model, a schema the vendor takes', async (t) => {
      const job = await parse() // the fake's default answer: the draft unchanged
      const req = fake.requests[0]!
      t.equal(req.vendor, vendor)
      t.equal(req.body.model, 'test-model', 'AI_MODEL')
      t.match(req.user, /^<draft>\n\{"basics":\{"name":"Amara Okonkwo-Lindqvist"/)
      t.match(req.user, /\n<\/draft>\n<document_text>\n[\s\S]*Klarnet Payments[\s\S]*\n<\/document_text>$/)
      t.match(req.system, /JSON Resume/)
      t.notMatch(req.system, /Amara/, 'no document text in the system prompt')
      if (vendor === 'openai') {
        t.match(req.body.response_format, { type: 'json_schema', json_schema: { name: 'json_resume', strict: true } })
        t.same(strictProblems(req.body.response_format.json_schema.schema), [], 'strict-valid, so the fake (like OpenAI) answered')
      } else {
        t.match(req.body.output_config, { format: { type: 'json_schema', schema: { type: 'object', additionalProperties: false, required: Array } } })
      }
      t.equal(fake.requests.length, 1)
      t.same(job.draft, rule.draft, 'an answer that agrees changes nothing')
      t.notMatch(warnings(job), /refinement|changed/)
    })

    await t.test('a corrected document replaces the draft; changed fields lose confidence, agreed ones gain', async (t) => {
      fake.script(answerWith((d) => {
        d.basics.label = 'Principal Engineer'
        d.basics.location.postalCode = '114 55'
      }))
      const job = await parse()
      t.equal(job.status, 'completed')
      t.equal(fake.requests.length, 1, 'the vendor took the schema at once')
      t.equal(job.draft.basics.label, 'Principal Engineer', "the LLM's correction is in the draft")
      t.equal(job.draft.basics.location.postalCode, '114 55', 'and the field it added')
      t.notOk(JSON.stringify(job.draft).includes('null'), 'the strict answer\'s nulls are dropped')
      t.same({ ...job.draft, basics: { ...job.draft.basics, label: rule.draft.basics.label, location: rule.draft.basics.location } }, rule.draft, 'nothing else changed')
      t.ok(validateResume(job.draft))
      t.equal(job.confidence['basics.label'], rule.confidence['basics.label'] === undefined ? 0.4 : round(rule.confidence['basics.label'] * 0.5), 'changed: half the rule confidence')
      t.equal(job.confidence['basics.location.postalCode'], 0.4, 'added by the LLM alone: 0.4')
      for (const [path, c] of Object.entries(rule.confidence as Record<string, number>)) {
        if (path !== 'basics.label') t.equal(job.confidence[path], round(Math.min(1, c + 0.1)), `agreed: ${path} gains 0.1`)
      }
      t.match(warnings(job), `${vendor} changed 2 field(s); their confidence is lowered, review them`)
      t.notMatch(warnings(job), /failed|ignored/)
    })

    await t.test('an answer that is not valid JSON Resume, twice: ignored with a warning', async (t) => {
      const invalid = answerWith((d) => { d.basics.email = 'not an email'; d.work[0].startDate = 'March 2021' })
      fake.script(invalid, invalid)
      const job = await parse()
      t.equal(job.status, 'completed')
      t.same(job.draft, rule.draft, 'the rule-based draft stands')
      t.same(job.confidence, rule.confidence)
      t.match(warnings(job), `The ${vendor} refinement was not a valid JSON Resume document and was ignored`)
      t.equal(fake.requests.length, 2, 'asked once more')
      t.match(fake.requests[1]!.user, /<validation_errors>\n- \/basics\/email must match format "email"\n- \/work\/0\/startDate must match pattern/)
    })

    await t.test('a vendor that does not answer in AI_TIMEOUT: the rule-based draft, with a warning', async (t) => {
      fake.script({ hang: true })
      const job = await parse()
      t.equal(job.status, 'completed')
      t.same(job.draft, rule.draft)
      t.match(warnings(job), `The ${vendor} refinement failed; this is the rule-based draft`)
      t.equal(fake.requests.length, 1, 'a timeout is not retried')
    })
  })
}
