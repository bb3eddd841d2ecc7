// Runs inside a worker thread (sandbox.ts): parses one file per message and answers with
// the result or a ParseFailure's code. Anything else thrown is reported as a corrupt file:
// the library choked on it.
import { parentPort } from 'node:worker_threads'
import { ParseFailure } from './failure.ts'
import { parseFile, type FileKind } from './parser.ts'

interface Request { id: number, kind: FileKind, bytes: Uint8Array }

parentPort!.on('message', async ({ id, kind, bytes }: Request) => {
  const progress = (value: number, step: string) => parentPort!.postMessage({ id, progress: value, step })
  try {
    const result = await parseFile(kind, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), progress)
    parentPort!.postMessage({ id, result })
  } catch (err) {
    const failure = err instanceof ParseFailure ? err : new ParseFailure('CORRUPT', (err as Error)?.message)
    parentPort!.postMessage({ id, failure: { code: failure.code, message: failure.message } })
  }
})
parentPort!.postMessage({ ready: true })
