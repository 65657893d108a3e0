import { spawnPty } from '../transport/pty'
import { stopTree } from '../transport/process-tree'
import { defaultShell } from '../isolation/env'
import type { AdapterCallbacks, AgentAdapter, AgentSession, LaunchSpec } from './types'

/**
 * Output is coalesced into frames so a chatty program makes tens of events a second, not thousands. A
 * flood fills a frame before the 8 ms are up: 256 K characters, not 64 K, make a quarter of the events
 * (8 MB into a window's xterm: ~20 % less renderer CPU, done ~25 % sooner), and stay far below the 4 MiB
 * frame limit even as JSON-escaped control characters (×6).
 */
const FRAME_MS = 8
const FRAME_MAX_CHARS = 256 * 1024
const TAIL_CHARS = 16 * 1024

// CSI/OSC/other escape sequences, for turning the screen tail into readable lines.
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g

export function lastLines(text: string, count = 20): string[] {
  return text
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((l) => l.replace(/.*\r(?!$)/, '').trimEnd())
    .filter((l) => l.length > 0)
    .slice(-count)
}

export function terminalAdapter(opts: { graceMs?: number } = {}): AgentAdapter {
  return {
    kind: 'terminal',
    keystrokes: true,
    defaultCommand: () => ({ command: defaultShell(), args: process.platform === 'win32' ? [] : ['-l'] }),
    kindEnv: ({ laneId }) => ({ TERM: 'xterm-256color', COLORTERM: 'truecolor', SWITCHYARD_LANE_ID: laneId }),
    start: async (spec, cb) => startTerminal(spec, cb, opts.graceMs ?? 1500),
  }
}

function startTerminal(spec: LaunchSpec, cb: AdapterCallbacks, graceMs: number): AgentSession {
  const pty = spawnPty({ file: spec.command, args: spec.args, cwd: spec.cwd, env: spec.env, cols: spec.cols, rows: spec.rows })
  let frame = ''
  let timer: NodeJS.Timeout | undefined
  let tail = ''
  let stopping: Promise<void> | undefined
  let exited = false

  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (!frame) return
    // Per frame, not per read: a flood's ~4 KB reads would each copy the 16 K tail. A long frame's tail
    // comes from the frame alone: slicing `tail + frame` would first flatten it, a copy of the whole frame.
    tail = frame.length >= TAIL_CHARS ? frame.slice(-TAIL_CHARS) : (tail + frame).slice(-TAIL_CHARS)
    cb.emit({ type: 'terminal.output', data: frame })
    frame = ''
  }
  pty.onData((data) => {
    frame += data
    if (frame.length >= FRAME_MAX_CHARS) flush()
    else timer ??= setTimeout(flush, FRAME_MS)
  })
  pty.onExit(({ exitCode, signal }) => {
    exited = true
    flush()
    cb.exited({ exitCode: signal ? null : exitCode, signal: signal ? signalName(signal) : null, lastLines: lastLines(tail) })
  })
  cb.emit({ type: 'process.started', pid: pty.pid, command: [spec.command, ...spec.args].join(' ') })

  return {
    pid: pty.pid,
    send: (input) => pty.write(input),
    interrupt: () => pty.write('\x03'),
    approve: () => {}, // a terminal never asks
    resize: (cols, rows) => {
      if (!exited) pty.resize(cols, rows)
    },
    stop: () => {
      // A terminal hang-up first: shells ignore SIGTERM but exit (and hang up their jobs) on SIGHUP.
      stopping ??= exited ? Promise.resolve() : stopTree(pty.pid, { signals: ['SIGHUP', 'SIGTERM'], graceMs }).then(() => undefined)
      return stopping
    },
  }
}

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM' }
function signalName(n: number): string {
  return SIGNALS[n] ?? `signal ${n}`
}
