// ESLint flat config: neostandard (the `standard` style, for ESLint 9) with TypeScript.
// `npm run lint` runs it; the type check is `npm run build` (tsc), which ESLint does not repeat.
// Exceptions are kept narrow; one-off ones are eslint-disable comments at the line, with a reason.
import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['node_modules/**', '.node/**', 'data/**', 'coverage/**', '.tap/**', 'clients/*/dist/**']
  }),
  {
    rules: {
      // `void promise` as a statement is how the code marks a promise it deliberately does not
      // await (a background close, a fire-and-forget job); `void` inside expressions stays banned.
      'no-void': ['error', { allowAsStatement: true }]
    }
  },
  {
    // MikroORM migrations: each class is named like its file, Migration<timestamp>_<what>, and
    // the file name is what the database records as applied, so neither is ours to re-case.
    files: ['**/migrations/**'],
    rules: {
      camelcase: ['error', { allow: ['^UNSAFE_', '^Migration\\d{14}_'], properties: 'never', ignoreGlobals: true }]
    }
  }
]
