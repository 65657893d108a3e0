import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { constants, existsSync } from 'node:fs'
import { lstat, mkdir, open, readlink, realpath, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import * as acp from '@agentclientprotocol/sdk/unstable'
import { spawnInGroup, stopTree } from '../transport/process-tree'

/**
 * What an ACP agent may ask of us, the client: read and write text files and run terminals, all
 * confined to the lane's folder. Confinement resolves every symbolic link first (a link, dangling or
 * not, that leads out is refused) and then opens the file without following any link, one folder at a
 * time where the platform allows it, so a link swapped in between the check and the write is refused too.
 */

const refuse = (message: string) => new acp.RequestError(-32602, `Refused: ${message}`)
const MAX_LINKS = 40

const inside = (root: string, p: string) => {
  const rel = path.relative(root, p)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/**
 * The real path `p` stands for (every link resolved, a missing tail kept as named) if it lies inside
 * `root` (a real path); throws a refusal otherwise. A dangling link is followed to where it points,
 * because that is where a write through it would create the file.
 */
export async function confinePath(root: string, p: string, what = p, links = 0): Promise<string> {
  if (!path.isAbsolute(p)) throw acp.RequestError.invalidParams(undefined, `Refused: "${what}" is not an absolute path`)
  if (links > MAX_LINKS) throw refuse(`${what} goes through too many symbolic links`)
  // The deepest existing ancestor (a dangling link counts as existing) decides where the rest lands.
  let existing = path.resolve(p)
  const rest: string[] = []
  for (;;) {
    try {
      await lstat(existing)
      break
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOENT') throw refuse(`${what} cannot be resolved (${code})`)
      const parent = path.dirname(existing)
      if (parent === existing) break
      rest.unshift(path.basename(existing))
      existing = parent
    }
  }
  let real: string
  try {
    real = await realpath(existing)
  } catch {
    // A dangling link (or a chain ending in one): follow it by hand and judge where it leads.
    const target = await readlink(existing).catch(() => undefined)
    if (target === undefined) throw refuse(`${what} cannot be resolved`)
    return confinePath(root, path.join(path.resolve(path.dirname(existing), target), ...rest), what, links + 1)
  }
  const resolved = path.join(real, ...rest)
  if (!inside(root, resolved)) throw refuse(`${what} is outside this lane's workspace`)
  return resolved
}

// Linux: /proc/self/fd/<dir fd>/<name> resolves <name> inside that open folder, like openat(2).
const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd')
const { O_RDONLY, O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW = 0, O_DIRECTORY = 0, O_NONBLOCK = 0 } = constants
/** The largest file an agent may read at once (the reply is one JSONL line, and the agent's line limit is about this). */
export const MAX_READ_BYTES = 64 * 1024 * 1024

/**
 * Opens `file` (a real path inside the real path `root`, from confinePath) without following links.
 * On Linux every folder on the way is opened from the previous one with O_NOFOLLOW, so no link put in
 * place after confinePath is followed; elsewhere only the last component is guarded.
 */
export async function openConfined(root: string, file: string, mode: 'read' | 'write'): Promise<FileHandle> {
  // O_NONBLOCK: a FIFO planted in the folder must not hold one of libuv's few fs threads forever.
  const flags = (mode === 'read' ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC) | O_NOFOLLOW | O_NONBLOCK
  const parts = path.relative(root, file).split(path.sep).filter(Boolean)
  const name = parts.pop()
  if (name === undefined) throw refuse(`${file} is the workspace folder itself`)
  try {
    if (!PROC_FD) {
      if (mode === 'write') await mkdir(path.dirname(file), { recursive: true })
      return await regularFile(await open(file, flags, 0o666), file)
    }
    let dir = await open(root, O_RDONLY | O_DIRECTORY)
    try {
      for (const part of parts) {
        const next = `/proc/self/fd/${dir.fd}/${part}`
        if (mode === 'write') await mkdir(next).catch((err: NodeJS.ErrnoException) => (err.code === 'EEXIST' ? undefined : Promise.reject(err)))
        const child = await open(next, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        await dir.close()
        dir = child
      }
      return await regularFile(await open(`/proc/self/fd/${dir.fd}/${name}`, flags, 0o666), file)
    } finally {
      await dir.close().catch(() => {})
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    // ELOOP: a link where confinePath saw none (swapped in since); ENOTDIR: a link or file in place of a folder.
    if (code === 'ELOOP' || code === 'ENOTDIR') throw refuse(`${file} changed into a symbolic link while being opened`)
    throw err
  }
}

/** Only regular files are read and written: not a FIFO, a device or a socket someone put in the folder. */
async function regularFile(handle: FileHandle, file: string): Promise<FileHandle> {
  const stat = await handle.stat()
  if (stat.isFile()) return handle
  await handle.close()
  throw refuse(`${file} is not a regular file`)
}

/** Output kept of a terminal whose agent set no `outputByteLimit`: main's memory is not the agent's to spend. */
export const DEFAULT_TERMINAL_OUTPUT_BYTES = 4 * 1024 * 1024

/** A command the agent runs through `terminal/create`: its newest output (bounded) and how it ended. */
export class AcpTerminal {
  truncated = false
  exit: { exitCode: number | null; signal: string | null } | undefined
  readonly exited: Promise<{ exitCode: number | null; signal: string | null }>
  private chunks: Buffer[] = []
  private bytes = 0
  private readonly limit: number
  constructor(
    readonly child: ChildProcessWithoutNullStreams,
    limit: number | undefined,
  ) {
    this.limit = limit ?? DEFAULT_TERMINAL_OUTPUT_BYTES
    child.stdin.end()
    const append = (d: Buffer) => this.append(d)
    child.stdout.on('data', append)
    child.stderr.on('data', append)
    // EPIPE and the like: the close below reports how the command ended.
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.on('error', () => {})
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => {
        this.append(Buffer.from(`${err.message}\n`))
        resolve((this.exit ??= { exitCode: 127, signal: null }))
      })
      child.on('close', (code, signal) => resolve((this.exit ??= { exitCode: code, signal })))
    })
  }

  /** The newest `limit` bytes of output, cut at a character boundary when older bytes were dropped. */
  get output(): string {
    this.compact()
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
    let start = 0
    if (this.truncated) while (start < buf.length && (buf[start] & 0xc0) === 0x80) start++
    return buf.subarray(start).toString('utf8')
  }

  private append(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.bytes += chunk.length
    // Compacting only past twice the limit keeps a flood linear in its size, and memory under 2 × limit.
    if (this.bytes > 2 * this.limit) this.compact()
  }

  private compact(): void {
    if (this.bytes <= this.limit) return
    const buf = Buffer.concat(this.chunks)
    this.chunks = [Buffer.from(buf.subarray(buf.length - this.limit))]
    this.bytes = this.limit
    this.truncated = true
  }

  async kill(): Promise<void> {
    if (!this.exit && this.child.pid) await stopTree(this.child.pid, { graceMs: 500 })
  }
}

/** The fs and terminal services one ACP session offers its agent. */
export class AcpClientServices {
  private root: string | undefined
  private readonly terminals = new Map<string, AcpTerminal>()
  private terminalSeq = 0

  constructor(private readonly lane: { cwd: string; env: Record<string, string> }) {}

  private async confine(p: string): Promise<{ root: string; file: string }> {
    this.root ??= await realpath(this.lane.cwd)
    return { root: this.root, file: await confinePath(this.root, p) }
  }

  async readTextFile(params: acp.ReadTextFileRequest): Promise<acp.ReadTextFileResponse> {
    const { root, file } = await this.confine(params.path)
    let text: string
    try {
      const handle = await openConfined(root, file, 'read')
      try {
        const { size } = await handle.stat()
        if (size > MAX_READ_BYTES) throw refuse(`${params.path} is ${Math.ceil(size / 2 ** 20)} MiB, more than the ${MAX_READ_BYTES / 2 ** 20} MiB an agent may read at once`)
        text = await handle.readFile('utf8')
      } finally {
        await handle.close()
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw acp.RequestError.resourceNotFound(params.path)
      throw err
    }
    if (params.line == null && params.limit == null) return { content: text }
    const from = Math.max(0, (params.line ?? 1) - 1)
    const lines = text.split('\n')
    return { content: lines.slice(from, params.limit == null ? undefined : from + params.limit).join('\n') }
  }

  async writeTextFile(params: acp.WriteTextFileRequest): Promise<acp.WriteTextFileResponse> {
    const { root, file } = await this.confine(params.path)
    const handle = await openConfined(root, file, 'write')
    try {
      await handle.writeFile(params.content)
    } finally {
      await handle.close()
    }
    return {}
  }

  async createTerminal(params: acp.CreateTerminalRequest): Promise<acp.CreateTerminalResponse> {
    const cwd = params.cwd ? (await this.confine(params.cwd)).file : this.lane.cwd
    const env = { ...this.lane.env }
    for (const v of params.env ?? []) env[v.name] = v.value
    // A bare command line (no args) is run by the shell, as a terminal would.
    const shell = !params.args?.length && /[\s|&;<>()$`"'*?]/.test(params.command)
    const child = shell ? spawnInGroup('/bin/sh', ['-c', params.command], { cwd, env }) : spawnInGroup(params.command, params.args ?? [], { cwd, env })
    const id = `term-${++this.terminalSeq}`
    this.terminals.set(id, new AcpTerminal(child, params.outputByteLimit ?? undefined))
    return { terminalId: id }
  }

  /** A terminal the agent created, if it still holds it (tool calls show its output). */
  find(id: string): AcpTerminal | undefined {
    return this.terminals.get(id)
  }

  terminal(id: string): AcpTerminal {
    const t = this.terminals.get(id)
    if (!t) throw acp.RequestError.invalidParams(undefined, `No terminal ${id}`)
    return t
  }

  terminalOutput(id: string): acp.TerminalOutputResponse {
    const t = this.terminal(id)
    const output = t.output // compacts first, so `truncated` is current
    return { output, truncated: t.truncated, exitStatus: t.exit ?? null }
  }

  async releaseTerminal(id: string): Promise<void> {
    const t = this.terminal(id)
    this.terminals.delete(id)
    await t.kill()
  }

  /** Terminals we ran for the agent are our children, not its: they go with it. */
  stopAll(): Promise<unknown> {
    const all = [...this.terminals.values()]
    this.terminals.clear()
    return Promise.all(all.map((t) => t.kill()))
  }
}
