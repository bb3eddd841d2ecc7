// What an image's first bytes must be. The signed upload binds a Content-Type, not the
// bytes: without this, HTML presigned as image/png is stored and served as image/png.
const SIGNATURES: Readonly<Record<string, (b: Buffer) => boolean>> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/gif': (b) => ['GIF87a', 'GIF89a'].includes(b.toString('latin1', 0, 6)),
  'image/webp': (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'
}

/** True when `body` starts the way a file of `contentType` does. */
export function looksLike (contentType: string, body: Buffer): boolean {
  const check = Object.hasOwn(SIGNATURES, contentType) ? SIGNATURES[contentType] : undefined
  return check !== undefined && check(body)
}
