// The storage extension point: createStorage(config) picks the driver at start-up — S3 when
// S3_BUCKET is set, else local disk under DATA_DIR/uploads — and registerStorage(app) adds
// what that driver needs on the app (the local upload/download routes, closing the client).
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config/index.ts'
import { LocalStorage } from './local.ts'
import localStorageRoutes from './local-routes.ts'
import { S3Storage } from './s3.ts'
import type { StorageDriver } from './types.ts'

export type { PresignedPut, StorageDriver, StoredObject } from './types.ts'
export { StorageErrors } from './errors.ts'
export { PRIVATE_PREFIX, UPLOAD_KEY, UPLOAD_STAGING_PREFIX, isSafeKey } from './keys.ts'
export { LocalStorage } from './local.ts'
export { PREVIEW_URL_TTL, hidePreview, isPrivateKey, previewUrl, type PreviewStorage } from './previews.ts'
export { S3Storage } from './s3.ts'

export function createStorage (config: Config): StorageDriver {
  const { s3 } = config
  if (s3.bucket) {
    // config/ refuses a bucket without both keys, so these are set.
    return new S3Storage({
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      region: s3.region,
      accessKeyId: s3.accessKeyId!,
      secretAccessKey: s3.secretAccessKey!,
      forcePathStyle: s3.forcePathStyle
    })
  }
  return new LocalStorage({ root: join(config.dataDir, 'uploads'), publicUrl: config.publicUrl, secret: config.jwtSecret })
}

/**
 * Called by the kernel once app.storage exists and after the OpenAPI and rate-limit plugins
 * (which see only routes registered after them): local storage gets its routes under
 * /storage; every driver is closed with the app.
 */
export async function registerStorage (app: FastifyInstance): Promise<void> {
  const storage = app.storage
  app.addHook('onClose', async () => { await storage.close?.() })
  if (storage instanceof LocalStorage) {
    const maxUploadBytes = Math.max(...Object.values(app.config.tiers).map((t) => t.uploadBytes))
    await app.register(localStorageRoutes, { prefix: '/storage', storage, maxUploadBytes })
  }
}
