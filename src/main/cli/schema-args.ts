/**
 * Command-line arguments derived from a contract input schema (via `z.toJSONSchema`): which fields a
 * command has, how `--flags` and positionals become the input object, and the help text. Pure.
 */
import { z } from 'zod'

type JsonSchema = {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  description?: string
  default?: unknown
  additionalProperties?: unknown
}

export interface Field {
  /** The input's property name. */
  name: string
  /** As written on the command line: `--workspace-id`. */
  flag: string
  /** A shorter flag for `…Id` fields: `--workspace`. */
  alias?: string
  type: string
  required: boolean
  positional: boolean
  description?: string
  schema: JsonSchema
}

/** Flags of the CLI itself; no contract field may be called this (a unit test checks). */
export const GLOBAL_FLAGS = ['json', 'data-dir', 'help', 'follow', 'json-input', 'timeout', 'field'] as const

export const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map(String).join('|')
  if (s.const !== undefined) return JSON.stringify(s.const)
  if (s.anyOf) return s.anyOf.map(typeOf).join('|')
  const t = Array.isArray(s.type) ? s.type.join('|') : (s.type ?? 'json')
  if (t === 'array' && s.items) return `${typeOf(s.items)}[]`
  return t
}

export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema
  return z.toJSONSchema(inner, { io: 'input', unrepresentable: 'any' }) as JsonSchema
}

/**
 * The fields of an input schema, in declaration order. Required string fields are also positionals;
 * where none is required, the optional `…Id` ones are (`lanes events LANE`).
 */
export function fieldsOf(schema: z.ZodType): Field[] {
  const json = inputJsonSchema(schema)
  const required = new Set(json.required ?? [])
  const props = Object.entries(json.properties ?? {})
  const positional = (name: string, s: JsonSchema) =>
    s.type === 'string' && (required.has(name) || (required.size === 0 && name.endsWith('Id')))
  return props.map(([name, s]) => ({
    name,
    flag: kebab(name),
    ...(name.endsWith('Id') && name.length > 2 ? { alias: kebab(name.slice(0, -2)) } : {}),
    type: typeOf(s),
    required: required.has(name),
    positional: positional(name, s),
    description: s.description,
    schema: s,
  }))
}

/** A command-line string as the JSON type the schema wants; zod has the last word on validity. */
function coerce(raw: string, s: JsonSchema | undefined): unknown {
  const t = s?.type
  if (t === 'string' || s?.enum?.every((v) => typeof v === 'string')) return raw
  if (t === 'integer' || t === 'number') return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw
  if (t === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

/** The schema of a dotted path (`worktree.enabled`) inside an object schema. */
function schemaAt(root: JsonSchema, dotted: string[]): JsonSchema | undefined {
  let s: JsonSchema | undefined = root
  for (const key of dotted) {
    s = s?.properties?.[key] ?? s?.anyOf?.find((a) => a.properties?.[key])?.properties?.[key]
    if (!s) return undefined
  }
  return s
}

export interface ParsedArgs {
  input: Record<string, unknown>
  globals: { json: boolean; help: boolean; follow: boolean; dataDir?: string; timeout?: number; field?: string }
  errors: string[]
}

/**
 * `--flag value`, `--flag=value`, `--bool` / `--no-bool`, `--a.b value` for nested fields, repeated
 * flags for arrays, `--json-input '{…}'` for the whole input, and the rest as positionals.
 */
export function parseArgs(argv: string[], schema: z.ZodType | undefined): ParsedArgs {
  const json = schema ? inputJsonSchema(schema) : { properties: {} }
  const fields = schema ? fieldsOf(schema) : []
  const byFlag = new Map<string, Field>()
  for (const f of fields) {
    byFlag.set(f.flag, f)
    if (f.alias && !fields.some((g) => g.flag === f.alias)) byFlag.set(f.alias, f)
  }
  const input: Record<string, unknown> = {}
  const globals: ParsedArgs['globals'] = { json: false, help: false, follow: false }
  const errors: string[] = []
  const positionals: string[] = []
  const set = (path: string[], value: unknown, isArray: boolean) => {
    let target = input
    for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>
    const last = path[path.length - 1]
    if (isArray && !Array.isArray(value)) target[last] = [...((target[last] as unknown[]) ?? []), value]
    else target[last] = value
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg === '-h') {
      globals.help = true
      continue
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    let name = arg.slice(2, eq === -1 ? undefined : eq)
    const inline = eq === -1 ? undefined : arg.slice(eq + 1)
    const next = () => inline ?? (i + 1 < argv.length ? argv[++i] : undefined)
    if (name === 'json') globals.json = true
    else if (name === 'help') globals.help = true
    else if (name === 'follow') globals.follow = true
    else if (name === 'data-dir') globals.dataDir = next()
    else if (name === 'timeout') globals.timeout = Number(next())
    else if (name === 'field') globals.field = next()
    else if (name === 'json-input') {
      try {
        Object.assign(input, JSON.parse(next() ?? ''))
      } catch {
        errors.push('--json-input needs a JSON object')
      }
    } else {
      let negated = false
      const [head, ...rest] = name.split('.')
      let field = byFlag.get(head)
      if (!field && head.startsWith('no-') && byFlag.get(head.slice(3))) {
        negated = true
        name = name.slice(3)
        field = byFlag.get(head.slice(3))
      }
      if (!field) {
        errors.push(`Unknown option --${name}`)
        if (inline === undefined && i + 1 < argv.length && !argv[i + 1].startsWith('-')) i++ // its value
        continue
      }
      const path = [field.name, ...rest.map(camel)]
      const s = rest.length ? schemaAt(json, path) : field.schema
      if (s?.type === 'boolean' && inline === undefined) {
        const peek = argv[i + 1]
        if (!negated && (peek === 'true' || peek === 'false')) set(path, argv[++i] === 'true', false)
        else set(path, !negated, false)
        continue
      }
      const raw = next()
      if (raw === undefined) {
        errors.push(`--${name} needs a value`)
        continue
      }
      const isArray = s?.type === 'array'
      set(path, coerce(raw, isArray ? s?.items : s), isArray && !raw.trimStart().startsWith('['))
    }
  }
  for (const f of fields.filter((f) => f.positional && !(f.name in input))) {
    const value = positionals.shift()
    if (value === undefined) break
    input[f.name] = value
  }
  if (positionals.length) errors.push(`Unexpected argument${positionals.length > 1 ? 's' : ''}: ${positionals.join(' ')}`)
  return { input, globals, errors }
}

/** `--help` for one command: usage line and every field with its type and description. */
export function helpFor(command: string, schema: z.ZodType | undefined, summary?: string, extra: string[] = []): string {
  const fields = schema ? fieldsOf(schema) : []
  const pos = fields.filter((f) => f.positional).map((f) => `<${f.flag}>`)
  const lines = [`Usage: switchyard ${command}${pos.length ? ' ' + pos.join(' ') : ''} [options]`, '']
  if (summary) lines.push(summary, '')
  if (fields.length) lines.push('Fields:')
  for (const f of fields) {
    const flag = `--${f.flag}${f.alias ? `, --${f.alias}` : ''} <${f.type}>`
    lines.push(`  ${flag.padEnd(40)} ${f.required ? 'required' : 'optional'}${f.description ? `  ${f.description}` : ''}`)
  }
  lines.push('', 'Options:', '  --json                 print JSON', '  --json-input <object>  the whole input as JSON',
    '  --field <name>         print only this field of the result (of each row, for a list)', '  --data-dir <dir>       the Switchyard data dir to talk to', ...extra)
  return lines.join('\n') + '\n'
}
