// The OpenAPI document is generated from the route schemas: /docs/json, with a UI at /docs.
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

export async function registerOpenApi (app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'cvgen API',
        version: '0.1.0',
        description: 'Success bodies are {data, meta?}; failures are {error: {code, message, details?}}.',
        license: { name: 'MIT', identifier: 'MIT' }
      },
      // Relative: the document is served by the API it describes, at whatever origin that is.
      servers: [{ url: '/', description: 'The server this document is served by' }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }
      }
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => String(json.$id ?? `def-${i}`) }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}
