/** A profile's environment as the user edits it: one `NAME=value` per line. */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export function formatEnv(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')
}

/**
 * Parses the lines: blank lines and `#` comments are skipped, the value is everything after the first
 * `=` (kept as typed). A bad line is reported with its number, nothing is guessed.
 */
export function parseEnv(text: string): { ok: true; env: Record<string, string> } | { ok: false; message: string } {
  const env: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    const eq = line.indexOf('=')
    const name = (eq < 0 ? line : line.slice(0, eq)).trim()
    if (eq < 0) return { ok: false, message: `Line ${i + 1}: expected NAME=value` }
    if (!NAME.test(name)) return { ok: false, message: `Line ${i + 1}: “${name}” is not a variable name (letters, digits, _; not starting with a digit)` }
    if (name in env) return { ok: false, message: `Line ${i + 1}: ${name} is set twice` }
    env[name] = line.slice(eq + 1)
  }
  return { ok: true, env }
}

/** Rows of a profile's secrets: the stored ones (set) and the agent's known credential names (not set unless stored). */
export function secretRows(stored: readonly { name: string; set: boolean }[], known: readonly string[]): { name: string; set: boolean; known: boolean }[] {
  const rows = new Map<string, { name: string; set: boolean; known: boolean }>()
  for (const name of known) rows.set(name, { name, set: false, known: true })
  for (const s of stored) rows.set(s.name, { name: s.name, set: s.set, known: rows.has(s.name) })
  return [...rows.values()]
}
