// Runs in a parser process (sandbox.ts forks it): parses one file per message and answers
// with the result or a ParseFailure's code and message, as JSON over the IPC channel.
// Anything else thrown is reported as a corrupt file: the library choked on it. The process
// gets only the bytes (no settings, no environment): it can reach nothing of the server's.
import { ParseFailure } from './failure.ts'
import { parseFile } from './parser.ts'

interface Request { id: number, kind: unknown, bytes: unknown }

const send = (message: object) => process.send!(message)

process.on('message', async ({ id, kind, bytes }: Request) => {
  const progress = (value: number, step: string) => send({ id, progress: value, step })
  try {
    if ((kind !== 'pdf' && kind !== 'docx') || typeof bytes !== 'string') throw new ParseFailure('CORRUPT', 'bad request to the parser')
    send({ id, result: await parseFile(kind, Buffer.from(bytes, 'base64'), progress) })
  } catch (err) {
    const failure = err instanceof ParseFailure ? err : new ParseFailure('CORRUPT', (err as Error)?.message)
    send({ id, failure: { code: failure.code, message: failure.message } })
  }
})
// The parent owns this process: once it goes, so does the parser.
process.on('disconnect', () => process.exit(0))
send({ ready: true })
