declare module 'nspell' {
  export interface NSpell {
    correct (word: string): boolean
    suggest (word: string): string[]
    replacementTable: Array<[string, string]>
    flags: { TRY?: string[], KEY?: string[] }
  }
  function nspell (dictionary: { aff: Uint8Array | string, dic: Uint8Array | string }): NSpell
  export default nspell
}
