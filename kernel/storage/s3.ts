// S3-protocol storage (AWS S3, MinIO, R2, ...). Clients upload straight to the bucket with
// presigned PUTs; the bucket (or a CDN in front of it) serves objects to the public.
import {
  CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { StorageErrors } from './errors.ts'
import { DOWNLOAD_NAME, assertSafeKey, keyAfterBase } from './keys.ts'
import type { PresignedPut, StorageDriver, StoredObject } from './types.ts'

export interface S3StorageOptions {
  /** null: AWS itself (https://s3.<region>.amazonaws.com). */
  endpoint: string | null
  bucket: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  forcePathStyle: boolean
}

const FALLBACK_TYPE = 'application/octet-stream'

export class S3Storage implements StorageDriver {
  readonly name = 's3'
  readonly client: S3Client
  private readonly bucket: string
  private readonly base: string

  constructor (opts: S3StorageOptions) {
    this.bucket = opts.bucket
    this.client = new S3Client({
      endpoint: opts.endpoint ?? undefined,
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      // Otherwise the SDK adds CRC32 trailers (chunked bodies that S3-compatible servers
      // often refuse) and presigned URLs carry the checksum of an empty body.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 }
    })
    const endpoint = (opts.endpoint ?? `https://s3.${opts.region}.amazonaws.com`).replace(/\/+$/, '')
    if (opts.forcePathStyle) {
      this.base = `${endpoint}/${opts.bucket}/`
    } else {
      const url = new URL(endpoint)
      this.base = `${url.protocol}//${opts.bucket}.${url.host}${url.pathname.replace(/\/+$/, '')}/`
    }
  }

  async presignPut (key: string, opts: { contentType: string, maxBytes: number, expiresIn: number }): Promise<PresignedPut> {
    assertSafeKey(key)
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: opts.contentType, ContentLength: opts.maxBytes })
    // The presigner leaves content-type out of the signature unless told: with both listed,
    // a client can neither change the type nor send more (or fewer) bytes than signed.
    const url = await this.call(() => getSignedUrl(this.client, command, {
      expiresIn: signedLifetime(opts.expiresIn),
      signableHeaders: new Set(['content-type', 'content-length'])
    }))
    return {
      url,
      method: 'PUT',
      headers: { 'content-type': opts.contentType, 'content-length': String(opts.maxBytes) },
      expiresIn: opts.expiresIn
    }
  }

  async presignGet (key: string, opts: { expiresIn: number, filename: string }): Promise<string> {
    assertSafeKey(key)
    const name = DOWNLOAD_NAME.test(opts.filename) ? opts.filename : 'download'
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentDisposition: `attachment; filename="${name}"` })
    return this.call(() => getSignedUrl(this.client, command, { expiresIn: signedLifetime(opts.expiresIn) }))
  }

  async put (key: string, body: Buffer, contentType: string): Promise<void> {
    assertSafeKey(key)
    await this.call(() => this.client.send(new PutObjectCommand({
      Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length
    })))
  }

  async get (key: string): Promise<(StoredObject & { body: Buffer }) | null> {
    assertSafeKey(key)
    return this.call(async () => {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      const body = Buffer.from(await res.Body!.transformToByteArray())
      return { size: body.length, contentType: res.ContentType ?? FALLBACK_TYPE, body }
    }, null)
  }

  async head (key: string): Promise<StoredObject | null> {
    assertSafeKey(key)
    return this.call(async () => {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      return { size: res.ContentLength ?? 0, contentType: res.ContentType ?? FALLBACK_TYPE }
    }, null)
  }

  async delete (key: string): Promise<void> {
    assertSafeKey(key)
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })), undefined)
  }

  async copy (from: string, to: string): Promise<boolean> {
    assertSafeKey(from)
    assertSafeKey(to)
    // Safe keys hold no character that needs encoding in CopySource.
    return this.call(async () => {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: `${this.bucket}/${from}`, MetadataDirective: 'COPY' }))
      return true
    }, false)
  }

  publicUrl (key: string): string {
    assertSafeKey(key)
    return this.base + key
  }

  keyFromUrl (url: string): string | null {
    return keyAfterBase(url, this.base)
  }

  async close (): Promise<void> {
    this.client.destroy()
  }

  /**
   * Runs one SDK call. A 404 gives `missing` when the caller passed one; any other failure
   * (network, credentials, 5xx) is STORAGE_UNAVAILABLE, with the SDK error kept as the
   * cause for the log.
   */
  private async call<T, M = never> (fn: () => Promise<T>, ...missing: [M] | []): Promise<T | M> {
    try {
      return await fn()
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
      const name = (err as Error).name
      if (missing.length > 0 && (status === 404 || name === 'NotFound' || name === 'NoSuchKey')) return missing[0] as M
      const wrapped = new StorageErrors.UNAVAILABLE()
      ;(wrapped as Error).cause = err
      throw wrapped
    }
  }
}

/**
 * SigV4 stamps X-Amz-Date in whole seconds, truncated, and the server counts X-Amz-Expires
 * from that stamp: signing for exactly `seconds` can leave almost a second less. One more
 * second makes the URL good for at least what the caller promised (never less, at most 1 s more).
 */
function signedLifetime (seconds: number): number {
  return seconds + 1
}
