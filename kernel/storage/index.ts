// The storage extension point: createStorage(config) builds the driver STORAGE_DRIVER names at
// start-up — by default S3 when S3_BUCKET is set, else local disk under DATA_DIR/uploads, or an
// operator's (storage.ts in a plugin folder) — and registerStorage(app) adds what that driver
// needs on the app (the local upload/download routes, closing the client).
import { pluginFiles } from '../../config/plugin-folders.ts'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config/index.ts'
import { ProviderRegistry } from '../providers.ts'
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

/** A storage driver as a provider: STORAGE_DRIVER names one; create() builds it from the settings. */
export interface StorageFactory {
  readonly name: string
  create (config: Config): StorageDriver
}

const BUILT_IN: StorageFactory[] = [
  {
    name: 's3',
    create: ({ s3 }) => {
      if (!s3.bucket) throw new Error('STORAGE_DRIVER=s3 needs S3_BUCKET')
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
  },
  { name: 'local', create: (config) => new LocalStorage({ root: join(config.dataDir, 'uploads'), publicUrl: config.publicUrl, secret: config.jwtSecret }) }
]

/**
 * The operators' drivers: `<dir>/<plugin>/storage.{ts,js}` exporting `default` (one
 * StorageFactory or a list). They load in the first wave, before any plugin, because every
 * plugin may store files as it registers.
 */
async function operatorDrivers (pluginDirs: string[]): Promise<StorageFactory[]> {
  const found: StorageFactory[] = []
  for (const { path } of pluginFiles(pluginDirs, ['storage.ts', 'storage.js'])) {
    const mod = await import(pathToFileURL(path).href) as { default?: StorageFactory | StorageFactory[] }
    if (!mod.default) throw new Error(`${path}: the default export must be a storage driver factory ({ name, create(config) })`)
    found.push(...[mod.default].flat())
  }
  return found
}

/** The driver STORAGE_DRIVER names (ours: s3, local; or an operator's), built from the settings. */
export async function createStorage (config: Config): Promise<StorageDriver> {
  const drivers = new ProviderRegistry<StorageFactory>('storage driver', 'STORAGE_DRIVER', config.storageDriver)
  for (const factory of [...BUILT_IN, ...await operatorDrivers(config.pluginDirs)]) drivers.register(factory)
  return drivers.current().create(config)
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
