// `node scripts/corpus/totals.ts`: the external corpus's totals only (holdout, tune, all, per
// language) and how many files failed to parse, without the per-file table, per-field figures
// or misses, so the holdout can be measured without being looked at.
import { evaluateExternal } from '../../plugins/parse/external.ts'

const ev = await evaluateExternal()
const row = (t: { name: string, files: number, fields: number, exact: number, accuracy: number }) => `${t.name}\t${t.files} files\t${t.fields} fields\t${t.exact} exact\t${(t.accuracy * 100).toFixed(2)} %\t${t.accuracy.toFixed(4)}`
console.log('totals'); for (const t of [ev.totals.holdout, ev.totals.tune, ev.totals.all]) console.log(row(t))
console.log('languages (both splits)'); for (const t of ev.languages) console.log(row(t))
console.log(`failures: ${ev.failures.length}`)
