// The storage driver extension point (docs/architecture.md "Extension points"). The kernel picks one at
// start-up (kernel/storage/index.ts) and exposes it as app.storage; plugins never talk to S3
// or the disk directly.

/** What a client must do to upload one object: send exactly `headers` with a body of the signed size. */
export interface PresignedPut {
  url: string
  method: 'PUT'
  headers: Record<string, string>
  /** Seconds the URL stays valid. */
  expiresIn: number
}

export interface StoredObject { size: number, contentType: string }

export interface StorageDriver {
  readonly name: string
  /**
   * A URL that lets a client PUT one object at `key` without credentials. Both drivers bind
   * the content type and the length: the body must be exactly `maxBytes` bytes (a presigned
   * S3 PUT can only sign an exact Content-Length, and the local driver behaves the same).
   */
  presignPut (key: string, opts: { contentType: string, maxBytes: number, expiresIn: number }): Promise<PresignedPut>
  put (key: string, body: Buffer, contentType: string): Promise<void>
  get (key: string): Promise<(StoredObject & { body: Buffer }) | null>
  head (key: string): Promise<StoredObject | null>
  /** Idempotent: deleting a missing object is not an error. */
  delete (key: string): Promise<void>
  /** Copies `from` to `to` inside the storage, content type included; false when `from` is missing. */
  copy (from: string, to: string): Promise<boolean>
  /**
   * A URL that lets a client GET one object until it expires (private objects under
   * PRIVATE_PREFIX, such as exports), served as an attachment named `filename`.
   */
  presignGet (key: string, opts: { expiresIn: number, filename: string }): Promise<string>
  /** The URL clients use to read an object (public objects: avatars, screenshots). */
  publicUrl (key: string): string
  /** Inverse of publicUrl: the key of one of OUR URLs, or null for anything else (other hosts, path tricks, encoded '..'). */
  keyFromUrl (url: string): string | null
  /** Releases connections; called when the app closes. */
  close? (): Promise<void>
}
