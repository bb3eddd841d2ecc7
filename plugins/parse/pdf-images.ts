// Which images a PDF holds, read from the object dictionaries without decoding a pixel.
// pdfjs only reports images through getOperatorList(), which decodes every one of them (a
// 12000x12000 image is 576 MB of RGBA from a few hundred KB of file), and its API exposes
// no page resources. A structural scan is enough: an image XObject is always a stream, and
// streams are never stored inside object streams, so every image's dictionary is in the
// file's bytes as written. It sees images no page draws too (a thumbnail), which for telling
// a scanned file from an empty one is the same answer.

export interface ImageInfo { width: number | null, height: number | null }

/** Longest object dictionary looked at: an image's is a few hundred bytes. */
const MAX_DICT = 4096
// The keyword alone, not `N G obj`: `\d+\s+\d+` backtracks over a long run of digits, which a
// hostile file can hold (80,000 digits took 11 s).
const OBJ = /\bobj\s*<</g

export function pdfImages (data: Uint8Array, limit = 1000): ImageInfo[] {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1')
  const out: ImageInfo[] = []
  OBJ.lastIndex = 0
  for (let m = OBJ.exec(text); m && out.length < limit; m = OBJ.exec(text)) {
    const start = m.index + m[0].length
    const end = dictEnd(text, start)
    if (end < 0) continue
    // Scanning resumes after this dictionary, so the whole scan reads each byte about once.
    OBJ.lastIndex = end
    if (!/^\s*stream\b/.test(text.slice(end, end + 16))) continue
    // Names may spell any character as #xx (/Im#61ge is /Image).
    const dict = text.slice(start, end - 2).replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    if (!/\/Subtype\s*\/Image(?![^\s/<>[\]()])/.test(dict)) continue
    out.push({ width: number(dict, 'Width'), height: number(dict, 'Height') })
  }
  return out
}

/** Index just past the `>>` closing the dictionary opened before `from`; -1 past MAX_DICT. */
function dictEnd (text: string, from: number): number {
  let depth = 1
  const stop = Math.min(text.length, from + MAX_DICT)
  for (let i = from; i < stop; i++) {
    const c = text[i]
    if (c === '(') {
      // A string may hold brackets of its own: skip it (balanced parentheses, backslash escapes).
      let nest = 1
      for (i++; i < stop && nest > 0; i++) {
        if (text[i] === '\\') i++
        else if (text[i] === '(') nest++
        else if (text[i] === ')') nest--
      }
      i--
    } else if (c === '<' && text[i + 1] === '<') { depth++; i++ } else if (c === '>' && text[i + 1] === '>') {
      depth--
      i++
      if (depth === 0) return i + 1
    }
  }
  return -1
}

/** A direct number; an indirect reference (`12 0 R`) is not resolved. */
function number (dict: string, key: string): number | null {
  const m = new RegExp(`/${key}\\s+(\\d+)(?![\\d.])(?!\\s+\\d+\\s+R)`).exec(dict)
  return m ? Number(m[1]) : null
}
