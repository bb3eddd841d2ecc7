// Local-disk storage under DATA_DIR/uploads, for `npm start` with no S3. Objects live at
// uploads/<key>, their content type in uploads/.meta/<key>.json, and writes go through
// uploads/.tmp and a rename so a reader never sees half a file. Upload URLs are signed here
// (HMAC-SHA256) and honoured by the routes in local-routes.ts, which the kernel registers
// only when this driver is active.
import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto'
import { createWriteStream, type ReadStream } from 'node:fs'
import { copyFile, mkdir, open as openFile, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../errors.ts'
import { StorageErrors } from './errors.ts'
import { DOWNLOAD_NAME, assertSafeKey, keyAfterBase } from './keys.ts'
import type { PresignedPut, StorageDriver, StoredObject } from './types.ts'

export interface LocalStorageOptions {
  /** Folder that holds the objects (DATA_DIR/uploads). */
  root: string
  /** The API's external origin: URLs handed out start with it. */
  publicUrl: string
  /** A server secret; the URL-signing key is derived from it, so it never signs tokens. */
  secret: string
}

/** The fields an upload URL carries, as they arrive in its query string. */
export interface UploadGrant { key: string, expires: number, type: string, size: number }

const SIGNING_LABEL = 'cvgen storage upload URL v1'
const FALLBACK_TYPE = 'application/octet-stream'

export class LocalStorage implements StorageDriver {
  readonly name = 'local'
  readonly root: string
  private readonly signingKey: Buffer
  private readonly filesBase: string
  private readonly uploadBase: string
  private readonly downloadBase: string

  constructor (opts: LocalStorageOptions) {
    this.root = resolve(opts.root)
    // HKDF with a label: a key of its own, so an upload signature can never pass as a JWT.
    this.signingKey = Buffer.from(hkdfSync('sha256', opts.secret, '', SIGNING_LABEL, 32))
    this.filesBase = `${opts.publicUrl}/storage/files/`
    this.uploadBase = `${opts.publicUrl}/storage/upload/`
    this.downloadBase = `${opts.publicUrl}/storage/download/`
  }

  async presignPut (key: string, opts: { contentType: string, maxBytes: number, expiresIn: number }): Promise<PresignedPut> {
    assertSafeKey(key)
    const grant: UploadGrant = { key, expires: expiryAfter(opts.expiresIn), type: opts.contentType, size: opts.maxBytes }
    const query = new URLSearchParams({ expires: String(grant.expires), type: grant.type, size: String(grant.size), sig: this.sign(grant) })
    return {
      url: `${this.uploadBase}${key}?${query.toString()}`,
      method: 'PUT',
      headers: { 'content-type': opts.contentType, 'content-length': String(opts.maxBytes) },
      expiresIn: opts.expiresIn
    }
  }

  async presignGet (key: string, opts: { expiresIn: number, filename: string }): Promise<string> {
    assertSafeKey(key)
    const name = DOWNLOAD_NAME.test(opts.filename) ? opts.filename : 'download'
    const expires = expiryAfter(opts.expiresIn)
    const query = new URLSearchParams({ expires: String(expires), name, sig: this.signGet(key, expires, name) })
    return `${this.downloadBase}${key}?${query.toString()}`
  }

  /** Checks a download URL's query string for `key` (STORAGE_SIGNATURE_INVALID, STORAGE_URL_EXPIRED); returns the file name. */
  verifyDownload (key: string, query: Record<string, unknown>): string {
    const { expires, name, sig } = query
    if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof name !== 'string' || !DOWNLOAD_NAME.test(name) || typeof sig !== 'string') {
      throw new StorageErrors.SIGNATURE_INVALID()
    }
    const expected = Buffer.from(this.signGet(key, Number(expires), name))
    const given = Buffer.from(sig)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new StorageErrors.SIGNATURE_INVALID()
    if (Date.now() / 1000 > Number(expires)) throw new StorageErrors.DOWNLOAD_EXPIRED()
    return name
  }

  private signGet (key: string, expires: number, name: string): string {
    return createHmac('sha256', this.signingKey).update(JSON.stringify(['GET', key, expires, name])).digest('base64url')
  }

  /**
   * Checks an upload URL's query string for `key`: throws STORAGE_URL_EXPIRED or
   * STORAGE_SIGNATURE_INVALID, else returns what was signed.
   */
  verifyUpload (key: string, query: Record<string, unknown>): UploadGrant {
    const field = (name: string): string | null => typeof query[name] === 'string' ? query[name] as string : null
    const expires = field('expires')
    const size = field('size')
    const type = field('type')
    const sig = field('sig')
    if (!expires || !/^\d{1,12}$/.test(expires) || !size || !/^\d{1,15}$/.test(size) || !type || !sig) {
      throw new StorageErrors.SIGNATURE_INVALID()
    }
    const grant: UploadGrant = { key, expires: Number(expires), type, size: Number(size) }
    // Compared as text, not decoded: base64url decoding is lenient, the text is not.
    const expected = Buffer.from(this.sign(grant))
    const given = Buffer.from(sig)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new StorageErrors.SIGNATURE_INVALID()
    // Checked after the signature, so a forged "expires" is reported as forged, not as expired.
    if (Date.now() / 1000 > grant.expires) throw new StorageErrors.URL_EXPIRED()
    return grant
  }

  async put (key: string, body: Buffer, contentType: string): Promise<void> {
    const path = this.pathOf(key)
    const tmp = await this.tempFile()
    try {
      await writeFile(tmp, body)
      await this.commit(key, path, tmp, contentType)
    } catch (err) {
      throw full(err)
    } finally {
      await rm(tmp, { force: true })
    }
  }

  /**
   * Streams a body into `key`; it must be exactly `size` bytes (413 STORAGE_TOO_LARGE as
   * soon as it passes, 400 STORAGE_SIZE_MISMATCH when it ends short). Nothing is stored on
   * failure.
   */
  async putStream (key: string, body: Readable, contentType: string, size: number): Promise<number> {
    const path = this.pathOf(key)
    const tmp = await this.tempFile()
    let received = 0
    const counter = new Transform({
      transform (chunk: Buffer, _enc, done) {
        received += chunk.length
        if (received > size) done(new StorageErrors.TOO_LARGE(size))
        else done(null, chunk)
      }
    })
    try {
      try {
        await pipeline(body, counter, createWriteStream(tmp, { flags: 'wx' }))
      } catch (err) {
        // A client that hangs up mid-body sent a short body; that is not a server fault. (A
        // full disk destroys the body too: that one is ours, and the outer catch says so.)
        if (!(err instanceof AppError) && full(err) === err && body.destroyed) throw new StorageErrors.SIZE_MISMATCH(received, size)
        throw err
      }
      if (received !== size) throw new StorageErrors.SIZE_MISMATCH(received, size)
      await this.commit(key, path, tmp, contentType)
      return received
    } catch (err) {
      throw full(err)
    } finally {
      await rm(tmp, { force: true })
    }
  }

  async get (key: string): Promise<(StoredObject & { body: Buffer }) | null> {
    const head = await this.head(key)
    if (!head) return null
    try {
      const body = await readFile(this.pathOf(key))
      return { ...head, size: body.length, body }
    } catch (err) {
      if (isMissing(err)) return null
      throw err
    }
  }

  /** A stream of the object for serving it, or null when missing. */
  async open (key: string): Promise<(StoredObject & { stream: ReadStream }) | null> {
    // The descriptor first: a delete racing this read unlinks the name, but an open file
    // stays readable, so the answer is the whole old file or a 404, never a stream that
    // fails after its headers went out (a 500).
    let handle: FileHandle
    try {
      handle = await openFile(this.pathOf(key), 'r')
    } catch (err) {
      if (isMissing(err)) return null
      throw err
    }
    try {
      const info = await handle.stat()
      if (!info.isFile()) { await handle.close(); return null }
      return { size: info.size, contentType: await this.readType(key), stream: handle.createReadStream() }
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  async head (key: string): Promise<StoredObject | null> {
    const path = this.pathOf(key)
    try {
      const info = await stat(path)
      if (!info.isFile()) return null
      return { size: info.size, contentType: await this.readType(key) }
    } catch (err) {
      if (isMissing(err)) return null
      throw err
    }
  }

  async delete (key: string): Promise<void> {
    const path = this.pathOf(key)
    const info = await stat(path).catch(() => null)
    if (info && !info.isFile()) return // a "folder" key names no object
    await rm(path, { force: true })
    await rm(this.metaPathOf(key), { force: true })
  }

  async copy (from: string, to: string): Promise<boolean> {
    const source = this.pathOf(from)
    const path = this.pathOf(to)
    const info = await stat(source).catch(() => null)
    if (!info?.isFile()) return false
    const type = await this.readType(from)
    const tmp = await this.tempFile()
    try {
      try {
        await copyFile(source, tmp)
      } catch (err) {
        if (isMissing(err)) return false // deleted since the stat
        throw err
      }
      await this.commit(to, path, tmp, type)
      return true
    } catch (err) {
      throw full(err)
    } finally {
      await rm(tmp, { force: true })
    }
  }

  publicUrl (key: string): string {
    assertSafeKey(key)
    return this.filesBase + key
  }

  keyFromUrl (url: string): string | null {
    return keyAfterBase(url, this.filesBase)
  }

  private sign (grant: UploadGrant): string {
    // JSON of a fixed array: no field can bleed into the next one.
    const payload = JSON.stringify(['PUT', grant.key, grant.expires, grant.type, grant.size])
    return createHmac('sha256', this.signingKey).update(payload).digest('base64url')
  }

  /** The file of a key, refusing (again) anything that would land outside the root. */
  private pathOf (key: string): string {
    assertSafeKey(key)
    const path = resolve(this.root, key)
    if (!path.startsWith(this.root + sep)) throw new StorageErrors.KEY_INVALID()
    return path
  }

  private metaPathOf (key: string): string {
    return join(this.root, '.meta', `${key}.json`)
  }

  private async readType (key: string): Promise<string> {
    try {
      const meta = JSON.parse(await readFile(this.metaPathOf(key), 'utf8')) as { contentType?: unknown }
      return typeof meta.contentType === 'string' ? meta.contentType : FALLBACK_TYPE
    } catch {
      return FALLBACK_TYPE
    }
  }

  private async tempFile (): Promise<string> {
    const dir = join(this.root, '.tmp')
    await mkdir(dir, { recursive: true })
    return join(dir, randomUUID())
  }

  /** Meta first, then the object: a reader that finds the object finds its type. */
  private async commit (key: string, path: string, tmp: string, contentType: string): Promise<void> {
    const metaPath = this.metaPathOf(key)
    const metaTmp = `${tmp}.meta`
    await mkdir(dirname(metaPath), { recursive: true })
    await mkdir(dirname(path), { recursive: true })
    try {
      await writeFile(metaTmp, JSON.stringify({ contentType }))
      await rename(metaTmp, metaPath)
    } finally {
      await rm(metaTmp, { force: true })
    }
    await rename(tmp, path)
  }
}

/** A write that found the disk (or the user's quota) full is the operator's to fix: 507, and the partial file goes (finally). */
function full (err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ENOSPC' || code === 'EDQUOT' ? new StorageErrors.FULL() : err
}

function isMissing (err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR'
}

/**
 * The URL carries whole seconds; rounding now up (not down) keeps a URL good for at least
 * `seconds`. Rounded down, a 1-second URL signed at x.9 s died 0.1 s later.
 */
function expiryAfter (seconds: number): number {
  return Math.ceil(Date.now() / 1000) + seconds
}
