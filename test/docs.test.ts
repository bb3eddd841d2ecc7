// Generated reference documents stay equal to what generates them.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { ERRORS_DOC, errorsDoc } from '../scripts/errors-doc.ts'
import { SETTINGS_DOC, settingsDoc } from '../scripts/settings-doc.ts'

t.test('docs/settings.md is the settings tables (node scripts/settings-doc.ts rewrites it)', async (t) => {
  t.equal(readFileSync(SETTINGS_DOC, 'utf8'), await settingsDoc())
})

t.test('docs/errors.md is the error tables (node scripts/errors-doc.ts rewrites it)', async (t) => {
  t.equal(readFileSync(ERRORS_DOC, 'utf8'), await errorsDoc())
})
