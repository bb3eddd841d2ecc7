// Previews (thumbnails) of resumes and portfolios show a name, an email and a phone. The row
// keeps the storage key; the key is public (thumbnails/...) only while the target is public,
// and under PRIVATE_PREFIX otherwise, where only a signed URL minted per response reaches it.
import { PRIVATE_PREFIX } from './keys.ts'
import type { StorageDriver } from './types.ts'

/** Signed preview URLs live as long as export downloads do by default. */
export const PREVIEW_URL_TTL = 300

export type PreviewStorage = Pick<StorageDriver, 'presignGet' | 'publicUrl' | 'copy' | 'delete'>

export const isPrivateKey = (key: string): boolean => key.startsWith(PRIVATE_PREFIX)

/** The URL a client gets for a preview key: public as it is, private as a fresh signed link. */
export async function previewUrl (storage: PreviewStorage, key: string | null): Promise<string | null> {
  if (!key) return null
  if (!isPrivateKey(key)) return storage.publicUrl(key)
  return storage.presignGet(key, { expiresIn: PREVIEW_URL_TTL, filename: 'preview.png' })
}

/**
 * Moves a public preview under PRIVATE_PREFIX and deletes the public object before returning,
 * so its old URL stops working with the request that made the target private. Null when
 * there was nothing to move.
 */
export async function hidePreview (storage: PreviewStorage, key: string): Promise<string | null> {
  if (isPrivateKey(key)) return key
  const hidden = PRIVATE_PREFIX + key
  const copied = await storage.copy(key, hidden)
  await storage.delete(key)
  return copied ? hidden : null
}
