// startS3(t): a real S3-protocol server (@20minutes/s3rver, which verifies SigV4) in this
// process on a loopback port, with one empty bucket in a temp folder. Returns the settings
// that point cvgen at it; closed on teardown.
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { rand, tempDir } from './helper.ts'

interface TestContext { teardown (fn: () => unknown): void }

interface S3rverOptions {
  port: number
  address: string
  directory: string
  silent: boolean
  configureBuckets: { name: string }[]
}
interface S3rverServer { run (): Promise<AddressInfo>, close (): Promise<void> }

// A CommonJS package without type declarations.
const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as new (opts: S3rverOptions) => S3rverServer

/** s3rver's one built-in account. */
export const S3RVER_KEY = 'S3RVER'

export interface S3Server { endpoint: string, bucket: string, directory: string, env: Record<string, string>, /** Stops the server (fault tests); teardown copes. */ stop (): Promise<void> }

export async function startS3 (t: TestContext): Promise<S3Server> {
  const directory = tempDir(t)
  const bucket = `cvgen-test-${rand(4)}`
  // Buckets are created here rather than through the SDK: this server refuses the trailing
  // slash the SDK signs bucket-level requests with.
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true, configureBuckets: [{ name: bucket }] })
  const { port } = await server.run()
  let stopped = false
  const stop = async () => { if (!stopped) { stopped = true; await server.close() } }
  t.teardown(stop)
  const endpoint = `http://127.0.0.1:${port}`
  return {
    stop,
    endpoint,
    bucket,
    directory,
    env: {
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: S3RVER_KEY,
      S3_SECRET_ACCESS_KEY: S3RVER_KEY,
      S3_FORCE_PATH_STYLE: 'true'
    }
  }
}
