// Which keys the storage accepts. Every driver checks keys with isSafeKey before touching
// anything, so no key can name a path outside its folder or bucket prefix, whatever a
// caller passes: segments are plain names (no '.', '..', empty segment, leading slash,
// backslash or percent sign) and no segment starts with a dot (the local driver keeps its
// own bookkeeping under dot-folders).
import { StorageErrors } from './errors.ts'

const SEGMENT = '[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}'
const SAFE_KEY = new RegExp(`^${SEGMENT}(?:/${SEGMENT}){0,15}$`)
export const MAX_KEY_LENGTH = 512

/** Keys of user uploads: users/<user id>/<purpose>/<uuid>.<image extension>. */
export const UPLOAD_KEY = /^users\/[0-9a-f-]{36}\/[a-z_]+\/[0-9a-f-]{36}\.(png|jpe?g|webp|gif)$/

/** Keys under it are never served by public URLs, only by presignGet's signed ones. */
export const PRIVATE_PREFIX = 'private/'

/**
 * Where presigned uploads land: private/uploads/<upload key>. A signed PUT URL can write its
 * key again for as long as it lives, so the client never gets one for a key that is served;
 * the uploads plugin checks the staged file and writes the public object itself.
 */
export const UPLOAD_STAGING_PREFIX = `${PRIVATE_PREFIX}uploads/`
export const UPLOAD_STAGING_KEY = new RegExp(`^${UPLOAD_STAGING_PREFIX}${UPLOAD_KEY.source.slice(1)}`)

/** A file name for Content-Disposition: letters, digits, dot, dash, underscore, space. */
export const DOWNLOAD_NAME = /^[A-Za-z0-9._ -]{1,100}$/

/**
 * Whether public URLs must refuse the key. Case-blind: on a case-insensitive file system (or
 * a bucket proxy that folds case) `PRIVATE/x` is the same object as `private/x`.
 */
export function isPrivateKey (key: string): boolean {
  return key.slice(0, PRIVATE_PREFIX.length).toLowerCase() === PRIVATE_PREFIX
}

export function isSafeKey (key: unknown): key is string {
  return typeof key === 'string' && key.length <= MAX_KEY_LENGTH && SAFE_KEY.test(key) && !key.includes('..')
}

export function assertSafeKey (key: string): void {
  if (!isSafeKey(key)) throw new StorageErrors.KEY_INVALID()
}

/** The key inside `url` when it is exactly `base` + a safe key, else null. Never throws. */
export function keyAfterBase (url: unknown, base: string): string | null {
  if (typeof url !== 'string' || !url.startsWith(base)) return null
  const key = url.slice(base.length)
  return isSafeKey(key) ? key : null
}
