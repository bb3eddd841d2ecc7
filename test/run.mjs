// `npm test`: runs tap and ends with the plain line "N passed, N failed" that CI reads.
// tap prints TAP when not on a terminal; its closing "# { total, pass, fail, skip, todo }"
// comment gives the counts. A skipped or todo test counts as failed, and any failure makes
// the exit code non-zero: the suite is green only when everything ran and passed.
import { spawn } from 'node:child_process'

const child = spawn('npx', ['tap', '--reporter=tap', ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'inherit'] })
let tail = ''
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk)
  tail = (tail + chunk.toString()).slice(-4000)
})
child.on('close', (code, signal) => {
  const summary = [...tail.matchAll(/^#\s*\{([^}]*)\}\s*$/gm)].at(-1)?.[1]
  const counts = Object.fromEntries([...(summary ?? '').matchAll(/(\w+):\s*(\d+)/g)].map((m) => [m[1], Number(m[2])]))
  const pass = counts.pass ?? 0
  // Without a summary tap did not finish: that is one failure at least.
  const fail = summary === undefined ? Math.max(1, counts.fail ?? 0) : (counts.total ?? 0) - pass
  if ((counts.skip ?? 0) + (counts.todo ?? 0) > 0) console.log(`# ${counts.skip ?? 0} skipped and ${counts.todo ?? 0} todo, counted as failed`)
  console.log(`${pass} passed, ${fail} failed`)
  process.exit(code || (signal || fail > 0 ? 1 : 0))
})
