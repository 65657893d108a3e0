/**
 * The user's own OpenSSH, spawned: their ~/.ssh/config, keys, agent, ProxyJump and known_hosts apply.
 * One ControlMaster connection per host carries every command and the core's stdio channel.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { AppError } from '../errors'

/** What `ssh` needs to reach a host: the destination as the user typed it, and our connection options. */
export interface SshTarget {
  /** `alias`, `user@host` or `user@host:port`. */
  destination: string
  /** Where the ControlMaster socket lives (`%C` is appended). */
  controlDir: string
  /** An ssh_config file instead of the user's (tests only). */
  configFile?: string
  /** How long the master connection outlives its last session, in seconds. */
  persistSeconds?: number
}

/**
 * Splits `user@host:port` into ssh's destination and port. Refuses what ssh would read as an option
 * (a leading `-`) or what a shell or ssh_config would interpret (spaces, quotes, control characters).
 */
export function parseDestination(input: string): { host: string; port?: number } {
  const text = input.trim()
  if (!text) throw new AppError('invalid_input', 'Type an SSH destination: a Host from ~/.ssh/config, user@host or user@host:port')
  if (text.startsWith('-') || !/^[A-Za-z0-9._@:%\[\]-]+$/.test(text)) {
    throw new AppError('invalid_input', `"${input}" is not an SSH destination (a Host alias, user@host or user@host:port)`)
  }
  const m = /^(.*?)(?::(\d{1,5}))?$/.exec(text)!
  const port = m[2] === undefined ? undefined : Number(m[2])
  if (port !== undefined && (port < 1 || port > 65535)) throw new AppError('invalid_input', `Port ${port} is not 1..65535`)
  const host = m[1].replace(/^\[(.*)\]$/, '$1')
  if (!host || host.startsWith('-')) throw new AppError('invalid_input', `"${input}" names no host`)
  return port === undefined ? { host } : { host, port }
}

/** A socket path short enough for every platform: in the data dir when it fits, else in a private temp dir. */
export function controlDirFor(dataDir: string): string {
  const dir = path.join(dataDir, 'ssh')
  // %C expands to 40 hex characters; sockets are limited to ~104 bytes.
  if (Buffer.byteLength(dir) + 41 <= 100) return dir
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 8)
  return path.join(os.tmpdir(), `switchyard-ssh-${process.getuid?.() ?? 'u'}-${hash}`)
}

/** ssh's argv for running `remoteCommand` (a line for the remote user's shell) on the target. */
export function sshArgs(target: SshTarget, remoteCommand: string | undefined, extra: string[] = [], platform = process.platform): string[] {
  const { host, port } = parseDestination(target.destination)
  // Windows' OpenSSH has no connection sharing: one connection per command there.
  const multiplex = platform === 'win32' ? [] : [
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${path.join(target.controlDir, '%C')}`,
    '-o', `ControlPersist=${target.persistSeconds ?? 600}`,
  ]
  return [
    ...(target.configFile ? ['-F', target.configFile] : []),
    ...multiplex,
    // Nothing can be typed into a GUI's ssh: keys, the agent or a config must do it.
    '-o', 'BatchMode=yes',
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
    '-o', 'ConnectTimeout=20',
    ...(port ? ['-p', String(port)] : []),
    ...extra,
    '--',
    host,
    ...(remoteCommand === undefined ? [] : [remoteCommand]),
  ]
}

/** Quotes a word for a POSIX shell. */
export const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

export interface SshResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs one command over the target's connection; `input` is piped to its stdin (a tar stream, say). */
export function runSsh(
  target: SshTarget,
  remoteCommand: string,
  opts: { input?: NodeJS.ReadableStream; timeoutMs?: number; sshPath?: string } = {},
): Promise<SshResult> {
  const child = spawnSsh(target, remoteCommand, opts.sshPath)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  if (opts.input) opts.input.pipe(child.stdin!)
  else child.stdin!.end()
  child.stdin!.on('error', () => undefined)
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve({ code: 127, stdout, stderr: `${stderr}${err.message}` })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export function spawnSsh(target: SshTarget, remoteCommand: string | undefined, sshPath = 'ssh', extra: string[] = []): ChildProcess {
  return spawn(sshPath, sshArgs(target, remoteCommand, extra), { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true })
}

/** ssh's own words for why a connection failed (host key changed, auth refused …), without its noise. */
export function sshFailure(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trimEnd()).filter((l) => l && !/^(debug\d|Warning: Permanently added)/.test(l))
  return lines.join('\n') || 'ssh failed without saying why'
}
