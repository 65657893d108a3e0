/** The CLI is derived from the contract: every method and stream is a subcommand whose --help lists its fields. */
import { describe, expect, it } from 'vitest'
import { ErrorCode, methods, streams } from '../../src/shared/contract'
import { commands, EXIT_CODES, findCommand } from '../../src/main/cli/commands'
import { runCli, type CliIo } from '../../src/main/cli/main'
import { fieldsOf, GLOBAL_FLAGS, parseArgs } from '../../src/main/cli/schema-args'
import { formatHuman } from '../../src/main/cli/format'

function io() {
  const out: string[] = []
  const err: string[] = []
  const cli: CliIo = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: { SWITCHYARD_DATA_DIR: '/nonexistent-switchyard' }, interrupted: new Promise(() => {}) }
  return { cli, out: () => out.join(''), err: () => err.join('') }
}

describe('CLI derived from the contract', () => {
  const all = [...Object.keys(methods), ...Object.keys(streams)]

  it('has exactly one subcommand for every method and stream', () => {
    expect(commands.map((c) => c.name).sort()).toEqual(all.sort())
    const words = commands.map((c) => c.words.join(' '))
    expect(new Set(words).size).toBe(words.length)
    expect(findCommand('lanes', 'set-mode')?.name).toBe('lanes.setMode')
    expect(findCommand('lanes', 'events')?.kind).toBe('stream')
  })

  it.each(all)('%s: --help lists every field of its input', async (name) => {
    const command = commands.find((c) => c.name === name)!
    const t = io()
    expect(await runCli([...command.words, '--help'], t.cli)).toBe(0)
    const fields = fieldsOf(command.input!)
    for (const f of fields) expect(t.out()).toContain(`--${f.flag}`)
    expect(t.out()).toContain(`switchyard ${command.words.join(' ')}`)
  })

  it('no contract field is named like one of the CLI’s own flags', () => {
    for (const c of commands) for (const f of fieldsOf(c.input!)) expect(GLOBAL_FLAGS).not.toContain(f.flag)
  })

  it('every error code has its own exit code, none of them 0', () => {
    const codes = ErrorCode.options.map((c) => EXIT_CODES[c])
    expect(codes.every((c) => Number.isInteger(c) && c > 0)).toBe(true)
    expect(EXIT_CODES.not_found).not.toBe(EXIT_CODES.invalid_input)
    expect(EXIT_CODES.refused).not.toBe(EXIT_CODES.not_running)
  })
})

describe('arguments from the schema', () => {
  const send = methods['lanes.send'].input
  const create = methods['lanes.create'].input

  it('required strings are positionals in order; flags by kebab name or the short …Id alias', () => {
    expect(parseArgs(['lane_1', 'hello there'], send).input).toEqual({ laneId: 'lane_1', input: 'hello there' })
    expect(parseArgs(['--workspace', 'w1', '--profile-id=p1', '--title', 'x'], create).input).toEqual({ workspaceId: 'w1', profileId: 'p1', title: 'x' })
    expect(parseArgs(['w1', 'p1'], create).input).toEqual({ workspaceId: 'w1', profileId: 'p1' })
    expect(parseArgs(['lane_1', '--follow'], streams['lanes.events'].input)).toMatchObject({ input: { laneId: 'lane_1' }, globals: { follow: true }, errors: [] })
  })

  it('numbers, booleans, nested fields, arrays and --json-input take the schema’s types', () => {
    const resize = methods['lanes.resize'].input
    expect(parseArgs(['l', '--cols', '80', '--rows=24'], resize).input).toEqual({ laneId: 'l', cols: 80, rows: 24 })
    expect(parseArgs(['w', 'p', '--worktree.enabled', '--worktree.copy-ignored', '.env', '--worktree.copy-ignored', '.env.local', '--no-background'], create).input).toEqual({
      workspaceId: 'w',
      profileId: 'p',
      worktree: { enabled: true, copyIgnored: ['.env', '.env.local'] },
      background: false,
    })
    expect(parseArgs(['--json-input', '{"laneId":"l","input":"hi"}', '--json'], send)).toMatchObject({ input: { laneId: 'l', input: 'hi' }, globals: { json: true } })
  })

  it('unknown options and extra arguments are errors, not ignored', () => {
    expect(parseArgs(['l', 'hi', 'extra'], send).errors).toEqual(['Unexpected argument: extra'])
    expect(parseArgs(['l', 'hi', '--colour', 'red'], send).errors).toEqual(['Unknown option --colour'])
  })

  it('bad input exits with the usage code and zod’s message, before any connection', async () => {
    const t = io()
    expect(await runCli(['lanes', 'resize', 'l1', '--cols', 'wide', '--rows', '3'], t.cli)).toBe(EXIT_CODES.invalid_input)
    expect(t.err()).toMatch(/expected number, received string\s+→ at cols/)
    const u = io()
    expect(await runCli(['lanes', 'send', 'bad id!', 'hi'], u.cli)).toBe(EXIT_CODES.invalid_input)
    expect(u.err()).toContain('letters, digits, _ and - only')
  })

  it('an unknown command exits 2 and lists the commands; with nothing running, a valid call exits not_running', async () => {
    const t = io()
    expect(await runCli(['lanes', 'fly'], t.cli)).toBe(EXIT_CODES.usage)
    expect(t.err()).toContain('no command "lanes fly"')
    const u = io()
    expect(await runCli(['lanes', 'list'], u.cli)).toBe(EXIT_CODES.not_running)
    expect(u.err()).toContain('No Switchyard is running on /nonexistent-switchyard')
  })
})

describe('human output', () => {
  it('lists rows of plain fields; records as key: value; ok as ok', () => {
    expect(formatHuman([{ id: 'a', status: 'ready', usage: { x: 1 } }, { id: 'bb', status: 'busy' }])).toBe('id  status\na   ready\nbb  busy\n')
    expect(formatHuman({ ok: true })).toBe('ok\n')
    expect(formatHuman({ name: 'S', n: 2 })).toBe('name: S\nn: 2\n')
    expect(formatHuman([])).toBe('(none)\n')
  })
})
