// Hand-written PDFs for the limits tests: a few hundred KB that would decode or inflate to
// hundreds of MB, built in the test so no large file sits in the repository.
import { once } from 'node:events'
import { createDeflate } from 'node:zlib'

/** A PDF from its objects' bodies (object n is objects[n - 1]; 1 is the catalog), with a correct xref. */
export function makePdf (objects: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')]
  let at = parts[0]!.length
  const offsets: number[] = []
  objects.forEach((body, i) => {
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), Buffer.from(body as string, 'latin1'), Buffer.from('\nendobj\n')])
    offsets.push(at)
    parts.push(chunk)
    at += chunk.length
  })
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`))
  return Buffer.concat(parts)
}

export const stream = (dict: string, data: Buffer | string) =>
  Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`), Buffer.from(data as string, 'latin1'), Buffer.from('\nendstream')])

/** `size` bytes of `byte`, deflated a MB at a time (never held whole). */
export async function deflated (size: number, byte = 0): Promise<Buffer> {
  const z = createDeflate({ level: 9 })
  const out: Buffer[] = []
  z.on('data', (c: Buffer) => out.push(c))
  const mb = Buffer.alloc(1024 * 1024, byte)
  for (let left = size; left > 0; left -= mb.length) if (!z.write(left >= mb.length ? mb : mb.subarray(0, left))) await once(z, 'drain')
  z.end()
  await once(z, 'end')
  return Buffer.concat(out)
}

/** One page drawing `content`, with an image XObject /Im1 and a standard font /F1. */
export function page (content: Buffer | string, image?: { width: number, height: number, data: Buffer }): Buffer {
  const xobject = image ? '/XObject << /Im1 6 0 R >>' : ''
  return makePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> ${xobject} >> /Contents 4 0 R >>`,
    Buffer.isBuffer(content) ? stream('/Filter /FlateDecode', content) : stream('', content),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    ...(image ? [stream(`/Type /XObject /Subtype /Im#61ge /Width ${image.width} /Height ${image.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`, image.data)] : [])
  ])
}

export const text = (lines: string[]) => `BT /F1 11 Tf 72 720 Td ${lines.map((l) => `(${l}) Tj 0 -14 Td`).join(' ')} ET`
export const RESUME = ['Jane Doe', 'jane.doe@example.com', 'Experience', 'Engineer, Acme 2019 - 2023', 'Built the billing system']
