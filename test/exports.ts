// Helpers of the exports tests and bench: poll an export, fetch its signed URL, read PDFs
// with poppler and PNGs with zlib.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { inflateSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { waitForStatus } from './support/wait.ts'

const run = promisify(execFile)
export function waitForExport (app: FastifyInstance, token: string, id: string): Promise<Record<string, any>> {
  return waitForStatus(app, `/exports/${id}`, token, { timeoutMs: 60_000 })
}

/** GET a URL our local storage signed (through inject, path and query only), or any URL with fetch. */
export async function download (app: FastifyInstance, url: string): Promise<{ status: number, body: Buffer, headers: Record<string, unknown> }> {
  const u = new URL(url)
  if (u.pathname.startsWith('/storage/')) {
    const res = await app.inject({ method: 'GET', url: u.pathname + u.search })
    return { status: res.statusCode, body: res.rawPayload, headers: res.headers }
  }
  const res = await fetch(url)
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: Object.fromEntries(res.headers) }
}

async function withFile<T> (pdf: Buffer, fn: (file: string) => Promise<T>): Promise<T> {
  const file = join(tmpdir(), `cvgen-test-${randomUUID()}.pdf`)
  await writeFile(file, pdf)
  try { return await fn(file) } finally { await rm(file, { force: true }) }
}

export const pdfToText = (pdf: Buffer, layout = false) => withFile(pdf, async (f) => (await run('pdftotext', [...(layout ? ['-layout'] : []), f, '-'])).stdout)
export const pdfInfo = (pdf: Buffer) => withFile(pdf, async (f) => (await run('pdfinfo', [f])).stdout)
export const pdfFonts = (pdf: Buffer) => withFile(pdf, async (f) => (await run('pdffonts', [f])).stdout)

/** Decodes a PNG far enough to prove it is one: IHDR, then every IDAT inflated to exactly height rows of width pixels. */
export function decodePng (png: Buffer): { width: number, height: number, colorType: number } {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG signature')
  let offset = 8
  let width = 0; let height = 0; let depth = 0; let colorType = 0
  const idat: Buffer[] = []
  while (offset < png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    const data = png.subarray(offset + 8, offset + 8 + length)
    if (type === 'IHDR') { width = data.readUInt32BE(0); height = data.readUInt32BE(4); depth = data[8]!; colorType = data[9]! }
    if (type === 'IDAT') idat.push(data)
    if (type === 'IEND') break
    offset += 12 + length
  }
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType]
  if (!channels || depth !== 8) throw new Error(`unexpected PNG format: color type ${colorType}, depth ${depth}`)
  const raw = inflateSync(Buffer.concat(idat))
  if (raw.length !== height * (1 + width * channels)) throw new Error(`PNG data is ${raw.length} bytes, expected ${height * (1 + width * channels)}`)
  return { width, height, colorType }
}
