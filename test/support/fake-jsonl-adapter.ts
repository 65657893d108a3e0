import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AgentAdapter } from '../../src/main/core/agents/types'
import { encodeJsonl, JsonlReader } from '../../src/main/core/transport/jsonl'
import { spawnInGroup, stopTree } from '../../src/main/core/transport/process-tree'
import type { AgentKind } from '../../src/shared/contract'

export const FAKE_JSONL_AGENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-jsonl-agent.mjs')

/**
 * An adapter for test/support/fake-jsonl-agent.mjs (it answers each prompt with `echo: <prompt>` in a
 * turn), standing in for the registry slot of `kind`.
 */
export function fakeJsonlAdapter(kind: AgentKind = 'terminal'): AgentAdapter {
  return {
    kind,
    keystrokes: false,
    defaultCommand: () => ({ command: process.execPath, args: [FAKE_JSONL_AGENT] }),
    kindEnv: () => ({}),
    async start(spec, cb) {
      const child = spawnInGroup(spec.command, spec.args, { cwd: spec.cwd, env: spec.env })
      let stderr = ''
      const reader = new JsonlReader(
        (v: any) => {
          if (v.turn === 'start') cb.emit({ type: 'turn.started' })
          if (v.turn === 'end') cb.emit({ type: 'turn.completed', outcome: 'completed' })
          if (v.text) cb.emit({ type: 'text.delta', text: v.text })
          if (v.approval) {
            cb.emit({
              type: 'approval.requested',
              requestId: v.approval,
              title: 'Run it?',
              readOnly: v.readOnly,
              options: [
                { id: 'yes', label: 'Yes', kind: 'allow_once' },
                { id: 'no', label: 'No', kind: 'reject_once' },
              ],
            })
          }
        },
        (err) => cb.emit({ type: 'error', message: err.message, fatal: true }),
      )
      child.stdout.on('data', (d) => reader.push(d))
      child.stderr.on('data', (d) => (stderr += d))
      child.on('exit', (code, signal) => cb.exited({ exitCode: code, signal, lastLines: stderr.trim().split('\n').slice(-20) }))
      await new Promise((r, j) => (child.once('spawn', r), child.once('error', j)))
      return {
        pid: child.pid,
        // A JSON object goes as is (tests script the agent with it); text is a prompt.
        send: (text) => void child.stdin.write(encodeJsonl(text.startsWith('{') ? JSON.parse(text) : { prompt: text })),
        interrupt: () => {},
        approve: (_requestId, optionId) => void child.stdin.write(encodeJsonl({ approved: optionId === 'yes' })),
        resize: () => {},
        stop: async () => {
          child.stdin.end()
          await stopTree(child.pid!, { graceMs: 300, known: [child.pid!] })
        },
      }
    },
  }
}
