// Presigned uploads and the ownership check other plugins rely on. No Fastify here: it gets
// the storage driver, the plan limits and a tier lookup through its constructor.
//
// A presigned PUT writes a private staging key (private/uploads/<key>), never the key that is
// served: the signed URL stays good for its whole lifetime, and the staging key is all it can
// overwrite. When the upload is first referenced (an avatar, a project image), resolveOwned
// checks the staged bytes and writes those very bytes to the public key itself.
import { randomUUID } from 'node:crypto'
import type { Tier, TierLimits } from '../../config/index.ts'
import { PlanLimitError } from '../../kernel/plans.ts'
import { UPLOAD_KEY, UPLOAD_STAGING_PREFIX, type StorageDriver, type StoredObject } from '../../kernel/storage/index.ts'
import { UploadsErrors } from './errors.ts'
import { looksLike } from './magic.ts'
import type { PresignInput } from './schemas.ts'

export const UPLOAD_PURPOSES = ['avatar', 'project_screenshot'] as const
export type UploadPurpose = typeof UPLOAD_PURPOSES[number]

/** Accepted image types and the extension their keys get. No SVG: it can carry scripts. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif'
}

/** Upload URLs live five minutes at most. */
export const UPLOAD_URL_TTL = 300

export interface PresignedUpload {
  url: string
  method: 'PUT'
  headers: Record<string, string>
  key: string
  expires_in: number
  public_url: string
}

const MB = 1024 * 1024

export class UploadService {
  private readonly storage: StorageDriver
  private readonly tiers: Record<Tier, TierLimits>
  private readonly tierOf: (userId: string) => Promise<Tier>

  constructor (
    storage: StorageDriver,
    tiers: Record<Tier, TierLimits>,
    tierOf: (userId: string) => Promise<Tier>
  ) {
    this.storage = storage
    this.tiers = tiers
    this.tierOf = tierOf
  }

  async presign (userId: string, input: PresignInput): Promise<PresignedUpload> {
    const contentType = input.content_type.trim().toLowerCase()
    const ext = Object.hasOwn(IMAGE_TYPES, contentType) ? IMAGE_TYPES[contentType] : undefined
    if (!ext) {
      throw new UploadsErrors.UNSUPPORTED_TYPE(input.content_type).withDetails([
        { path: '/content_type', message: `must be one of ${Object.keys(IMAGE_TYPES).join(', ')}` }
      ])
    }
    const tier = await this.tierOf(userId)
    const limit = this.tiers[tier].uploadBytes
    if (input.size > limit) throw uploadTooLarge(limit, input.size, tier)
    const key = `users/${userId}/${input.purpose}/${randomUUID()}.${ext}`
    const signed = await this.storage.presignPut(UPLOAD_STAGING_PREFIX + key, { contentType, maxBytes: input.size, expiresIn: UPLOAD_URL_TTL })
    return {
      url: signed.url,
      method: signed.method,
      headers: signed.headers,
      key,
      expires_in: signed.expiresIn,
      public_url: this.storage.publicUrl(key)
    }
  }

  /**
   * The upload behind `url` when it is one of `userId`'s own: one of our storage URLs, a key
   * under users/<userId>/, an object that exists, an allowed image type matching its
   * extension, and within the user's plan size. The first time, the object is still staged:
   * its bytes must start like its type (else 422 UPLOADS_NOT_AN_IMAGE), and it is then
   * published under `url`'s key and the staged copy deleted. Anything else is null. An object
   * of the user's that breaks the rules (too large for the plan, wrong type: only a client
   * that bypassed the signed URL can make one) is deleted. Never throws for a bad URL.
   */
  async resolveOwned (userId: string, url: string): Promise<{ key: string, url: string } | null> {
    if (typeof url !== 'string') return null
    const key = this.storage.keyFromUrl(url)
    if (!key || !UPLOAD_KEY.test(key) || !key.startsWith(`users/${userId}/`)) return null
    const limit = this.tiers[await this.tierOf(userId)].uploadBytes
    const published = await this.storage.head(key)
    if (published) return await this.fits(key, published, limit) ? { key, url: this.storage.publicUrl(key) } : null
    const staged = UPLOAD_STAGING_PREFIX + key
    const head = await this.storage.head(staged)
    if (!head || !await this.fits(staged, head, limit)) return null
    // The bytes checked are the bytes published: a copy after the check would publish what
    // the still-valid URL wrote in between.
    const object = await this.storage.get(staged)
    if (!object || !await this.fits(staged, object, limit)) return null
    if (!looksLike(object.contentType, object.body)) {
      await this.storage.delete(staged)
      throw new UploadsErrors.NOT_AN_IMAGE(object.contentType.replace('image/', '').toUpperCase())
    }
    await this.storage.put(key, object.body, object.contentType)
    await this.storage.delete(staged)
    return { key, url: this.storage.publicUrl(key) }
  }

  /** Within the plan and of an allowed type matching the key's extension; deleted when not. */
  private async fits (key: string, object: StoredObject, limit: number): Promise<boolean> {
    const ext = key.slice(key.lastIndexOf('.') + 1).replace('jpeg', 'jpg')
    const typeOk = Object.hasOwn(IMAGE_TYPES, object.contentType) && IMAGE_TYPES[object.contentType] === ext
    if (object.size <= limit && object.size > 0 && typeOk) return true
    await this.storage.delete(key)
    return false
  }
}

function uploadTooLarge (limit: number, size: number, tier: Tier): PlanLimitError {
  const err = new PlanLimitError('UPLOAD_SIZE', limit, size, tier)
  const mb = Math.round((limit / MB) * 10) / 10
  err.message = `Your ${tier} plan allows uploads of up to ${mb} MB (${limit} bytes)`
  return err
}
