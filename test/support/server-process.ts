import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MethodInput, MethodName, MethodOutput } from '../../src/shared/contract'
import type { ServerMessage } from '../../src/shared/wire'
import { WATCHDOG_TITLE } from '../../src/main/core/transport/watchdog-script'

/**
 * The built server (`node out/main/server.js`) as a real process, for tests that kill it: what a
 * user's machine does to it, not what a test can do to a core inside its own worker.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const SERVER_JS = path.join(ROOT, 'out/main/server.js')
const LISTENING = /^Switchyard server listening on (http:\/\/\S+)$/m

export interface ServerProcess {
  url: string
  child: ChildProcess
  pid: number
  output: () => string
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
}

export function serverBuilt(): boolean {
  return existsSync(SERVER_JS)
}

export async function startServerProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  if (!serverBuilt()) throw new Error(`${SERVER_JS} is missing: run \`npx electron-vite build\` first`)
  const child = spawn(process.execPath, [SERVER_JS, '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30s:\n${output}`)), 30_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = LISTENING.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`))
    })
  })
  return { url, child, pid: child.pid!, output: () => output, call: (method, input) => rpc(url, method, input) }
}

/** One contract call over the server's WebSocket, as the browser client makes it. */
export async function rpc<M extends MethodName>(url: string, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const page = new URL(url)
  const ws = new WebSocket(`ws://${page.host}/ws?token=${page.searchParams.get('token')}`)
  try {
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve()
      ws.onerror = () => reject(new Error('WebSocket failed'))
    })
    const answer = await new Promise<ServerMessage>((resolve) => {
      ws.onmessage = (m) => resolve(JSON.parse(String(m.data)) as ServerMessage)
      ws.send(JSON.stringify({ id: 1, method, input }))
    })
    if ('sub' in answer) throw new Error('unexpected event')
    if (!answer.ok) throw new Error(`${method}: ${answer.error.code}: ${answer.error.message}`)
    return answer.value as MethodOutput<M>
  } finally {
    ws.close()
  }
}

/** Kills the server with SIGKILL (no handler runs) and waits for it to be gone. */
export async function killServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()))
  try {
    process.kill(server.pid, 'SIGKILL')
  } catch {
    return // gone already; its exit event is on its way
  }
  await exited
}

/** The server's watchdog: its child that calls itself so (process.title; Linux /proc). */
export function watchdogOf(serverPid: number): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      const ppid = +stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]
      if (ppid !== serverPid) continue
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').startsWith(WATCHDOG_TITLE)) return +name
    } catch {}
  }
  return undefined
}
