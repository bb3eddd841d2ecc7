// The HTTP side of local-disk storage: PUT /storage/upload/* honours the URLs LocalStorage
// signs (the signature is the credential: no login), GET /storage/files/* serves objects.
// Registered by the kernel only when the local driver is active. Not wrapped in fp: the
// image content-type parser below stays inside this context.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Readable } from 'node:stream'
import { Type } from 'typebox'
import { errors, ok } from '../schemas.ts'
import { StorageErrors } from './errors.ts'
import { UPLOAD_STAGING_KEY, isPrivateKey, isSafeKey } from './keys.ts'
import type { LocalStorage, UploadGrant } from './local.ts'

export interface LocalRoutesOptions {
  storage: LocalStorage
  /** The largest upload any tier allows: a ceiling under every signed size. */
  maxUploadBytes: number
}

// STORAGE_ROUTES_HIDDEN: these routes stay out of the public OpenAPI document. Clients never
// build their URLs: they follow the signed URLs the API hands out (POST /uploads/presigned-url,
// GET /exports/{id}), which point at S3 instead with the s3 driver. Documented, they would
// make the document depend on STORAGE_DRIVER. Their schemas still validate every request.
const KeyParamsSchema = Type.Object({
  '*': Type.String({ maxLength: 1024, description: 'the object key' })
})

/** A file body: documented as binary, sent (and received) as a stream. */
const Binary = Type.Unsafe<Readable>({ type: 'string', format: 'binary' })

const UploadQuery = Type.Object({
  expires: Type.Integer({ description: 'unix time after which the URL is refused' }),
  type: Type.String({ description: 'the Content-Type the body must be sent with' }),
  size: Type.Integer({ minimum: 0, description: 'the exact body length in bytes' }),
  sig: Type.String({ description: 'HMAC-SHA256 of method, key, expires, type and size' })
}, { additionalProperties: false })

const DownloadQuery = Type.Object({
  expires: Type.String({ maxLength: 12, description: 'unix time after which the URL is refused' }),
  name: Type.String({ maxLength: 100, description: 'the file name the download is saved as' }),
  sig: Type.String({ maxLength: 100, description: 'HMAC-SHA256 of the key, expires and name' })
}, { additionalProperties: false })

const Uploaded = Type.Object({ key: Type.String(), size: Type.Integer(), content_type: Type.String() })

export default async function localStorageRoutes (fastify: FastifyInstance, opts: LocalRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { storage } = opts
  const grants = new WeakMap<FastifyRequest, UploadGrant>()
  const bodies = new WeakMap<FastifyRequest, Readable>()

  // Image bodies reach the handler as the raw request stream; it counts them against the
  // signed size while writing to disk, so nothing larger is ever buffered. The stream is
  // kept aside rather than made request.body, which hooks that inspect JSON bodies walk.
  app.addContentTypeParser(/^image\//, (request, payload, done) => {
    bodies.set(request, payload)
    done(null)
  })

  app.put('/upload/*', {
    // Fastify enforces bodyLimit only for parsers that buffer; this stream is counted
    // against the signed size in putStream, and the signed size is capped below.
    bodyLimit: opts.maxUploadBytes,
    schema: {
      hide: true, // see STORAGE_ROUTES_HIDDEN
      tags: ['storage'],
      operationId: 'uploadStoredFile',
      summary: 'Upload one file with a signed URL from POST /uploads/presigned-url (local-disk storage only)',
      description: 'No Authorization header: the signature in the query string is the credential. Send exactly the headers the presign answer listed and a body of exactly the signed size. 403 STORAGE_URL_EXPIRED, STORAGE_SIGNATURE_INVALID or STORAGE_CONTENT_TYPE_MISMATCH; 413 STORAGE_TOO_LARGE.',
      params: KeyParamsSchema,
      querystring: UploadQuery,
      response: { 200: ok(Uploaded), ...errors(400, 403, 413, 415) }
    },
    // Everything is checked from the URL and headers before a byte of the body is read.
    onRequest: async (request) => {
      const key = request.params['*']
      // Staging keys only: no signature, however obtained, writes an object that is served.
      if (!UPLOAD_STAGING_KEY.test(key) || !isSafeKey(key)) throw new StorageErrors.KEY_INVALID()
      const grant = storage.verifyUpload(key, request.query as Record<string, unknown>)
      const type = (request.headers['content-type'] ?? '').trim().toLowerCase()
      if (type !== grant.type) throw new StorageErrors.CONTENT_TYPE_MISMATCH(grant.type)
      const declared = request.headers['content-length']
      if (declared !== undefined && Number(declared) > grant.size) throw new StorageErrors.TOO_LARGE(grant.size)
      if (grant.size > opts.maxUploadBytes) throw new StorageErrors.TOO_LARGE(opts.maxUploadBytes)
      grants.set(request, grant)
    }
  }, async (request) => {
    const grant = grants.get(request)!
    const body = bodies.get(request)
    if (!body) throw new StorageErrors.SIZE_MISMATCH(0, grant.size)
    const size = await storage.putStream(grant.key, body, grant.type, grant.size)
    return { data: { key: grant.key, size, content_type: grant.type } }
  })

  app.get('/files/*', {
    schema: {
      hide: true, // see STORAGE_ROUTES_HIDDEN
      tags: ['storage'],
      operationId: 'readStoredFile',
      summary: 'Read a stored file (local-disk storage only; with S3 the bucket serves them)',
      params: KeyParamsSchema,
      response: {
        200: {
          description: 'the file, with the content type it was uploaded with',
          content: { 'image/*': { schema: Binary } }
        },
        ...errors(404)
      }
    }
  }, async (request, reply) => {
    const key = request.params['*']
    // An unsafe or private key is answered like a missing one: nothing about the disk leaks.
    const file = isSafeKey(key) && !isPrivateKey(key) ? await storage.open(key) : null
    if (!file) throw new StorageErrors.NOT_FOUND()
    return reply
      .type(file.contentType)
      .headers({
        'content-length': String(file.size),
        'x-content-type-options': 'nosniff',
        'cache-control': 'public, max-age=31536000, immutable',
        'content-security-policy': "default-src 'none'"
      })
      .send(file.stream)
  })

  app.get('/download/*', {
    schema: {
      hide: true, // see STORAGE_ROUTES_HIDDEN
      tags: ['storage'],
      operationId: 'downloadStoredFile',
      summary: 'Download a private file with a signed URL (local-disk storage only; exports hand these out)',
      description: 'No Authorization header: the signature is the credential. 403 STORAGE_DOWNLOAD_EXPIRED or STORAGE_SIGNATURE_INVALID.',
      params: KeyParamsSchema,
      querystring: DownloadQuery,
      response: {
        200: { description: 'the file, as an attachment', content: { 'application/octet-stream': { schema: Binary } } },
        ...errors(400, 403, 404)
      }
    }
  }, async (request, reply) => {
    const key = request.params['*']
    if (!isSafeKey(key)) throw new StorageErrors.NOT_FOUND()
    const name = storage.verifyDownload(key, request.query)
    const file = await storage.open(key)
    if (!file) throw new StorageErrors.NOT_FOUND()
    return reply
      .type(file.contentType)
      .headers({
        'content-length': String(file.size),
        'content-disposition': `attachment; filename="${name}"`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-store',
        'content-security-policy': "default-src 'none'"
      })
      .send(file.stream)
  })
}
