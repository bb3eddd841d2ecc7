// A model's answer as JSON. Local models wrap it in code fences or prose; the object inside is
// taken. Shared by analysis (schemas.ts) and app.llm.structured() (structured.ts).

export function parseAnswer (answer: string): { value: unknown } | { errors: string[] } {
  const body = answer.trim().replace(/^```(?:json)?[ \t]*\r?\n?/i, '').replace(/\r?\n?```$/, '').trim()
  try {
    return { value: JSON.parse(body) }
  } catch (err) {
    const i = body.indexOf('{')
    const j = body.lastIndexOf('}')
    try {
      if (i < 0 || j <= i) throw err
      return { value: JSON.parse(body.slice(i, j + 1)) }
    } catch {
      return { errors: [`the answer is not JSON (${(err as Error).message})`] }
    }
  }
}
