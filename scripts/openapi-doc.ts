// Writes openapi.json, the committed snapshot of the document the server serves at
// /docs/json. Made with fixed settings (the tests' defaults: local storage, no operator
// plugins), so it changes only when a route or schema does. `node scripts/openapi-doc.ts`
// rewrites it; test/kernel.test.ts fails when it and the served document disagree, and
// `npm run lint` runs Redocly's recommended rules on it (redocly.yaml).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const OPENAPI_FILE = join(ROOT, 'openapi.json')

/** The text of the snapshot for an app's document: stable key order, as @fastify/swagger builds it. */
export function openapiText (app: FastifyInstance): string {
  return JSON.stringify(app.swagger(), null, 2) + '\n'
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The test helper gives the fixed settings and a throwaway database (the app needs one to start).
  const { build } = await import('../test/helper.ts')
  const teardowns: (() => unknown)[] = []
  try {
    const app = await build({ teardown: (fn) => teardowns.push(fn) })
    writeFileSync(OPENAPI_FILE, openapiText(app))
    console.log(`wrote ${OPENAPI_FILE}`)
  } finally {
    for (const fn of teardowns.reverse()) await fn()
  }
}
