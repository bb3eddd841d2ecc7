// `npm test`: runs tap and ends with the plain line "N passed, N failed" that CI reads.
// tap prints TAP when not on a terminal; its closing "# { total, pass, fail }" comment
// gives the counts.
import { spawn } from 'node:child_process'

const child = spawn('npx', ['tap', '--reporter=tap', ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'inherit'] })
let tail = ''
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk)
  tail = (tail + chunk.toString()).slice(-4000)
})
child.on('close', (code, signal) => {
  const m = /#\s*\{\s*total:\s*(\d+),\s*pass:\s*(\d+)(?:,\s*fail:\s*(\d+))?/.exec(tail)
  const pass = m ? Number(m[2]) : 0
  const fail = m ? Number(m[3] ?? Number(m[1]) - pass) : 1
  console.log(`${pass} passed, ${fail} failed`)
  process.exit(code ?? (signal ? 1 : 0))
})
