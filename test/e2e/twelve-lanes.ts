import type { LaneEventBody } from '../../src/shared/events'
import { mockLane, mockProfile, stamp, type MockWorld } from './mock-bridge'

/** Twelve lanes of every kind in three workspaces (api, web, infra): one waits (l12), one failed (l6). */
const ALLOW = [
  { id: 'allow', label: 'Allow once', kind: 'allow_once' as const },
  { id: 'always', label: 'Always allow npm test in this workspace', kind: 'allow_always' as const },
  { id: 'reject', label: 'Reject', kind: 'reject_once' as const },
]
const chat = (prompt: string, reply: string): LaneEventBody[] => [
  { type: 'process.started', command: 'agent' },
  { type: 'input', text: prompt },
  { type: 'turn.started' },
  { type: 'text.delta', text: reply },
  { type: 'usage', turn: { inputTokens: 4200, outputTokens: 380 } },
  { type: 'turn.completed', outcome: 'completed' },
]

/** `quiet`: nothing waits and nothing failed (a test makes it happen). */
export function twelveLanes(opts: { quiet?: boolean } = {}): MockWorld {
  const t = Date.now() - 3_600_000
  const specs: [string, 'codex' | 'claude' | 'pi' | 'acp' | 'terminal', string, string, Parameters<typeof mockLane>[0]['status'], string][] = [
    ['l1', 'codex', 'api', 'Fix the flaky retry test', 'ready', 'codex'],
    ['l2', 'claude', 'api', 'Add rate limiting to /login', 'busy', 'claude'],
    ['l3', 'terminal', 'api', 'dev server', 'ready', 'shell'],
    ['l4', 'pi', 'web', 'Migrate the settings page to the new form kit', 'ready', 'pi'],
    ['l5', 'acp', 'web', 'Why is the bundle 2 MB?', 'sleeping', 'gemini'],
    ['l6', 'codex', 'web', 'Storybook for the date picker', 'failed', 'codex'],
    ['l7', 'claude', 'infra', 'Terraform plan for the new bucket', 'ready', 'claude'],
    ['l8', 'terminal', 'infra', 'kubectl logs', 'ready', 'shell'],
    ['l9', 'pi', 'infra', 'Rotate the staging certificates', 'ready', 'pi'],
    ['l10', 'codex', 'api', 'Document the webhook payloads', 'ready', 'codex'],
    ['l11', 'claude', 'web', 'Dark mode contrast audit', 'busy', 'claude'],
    ['l12', 'codex', 'infra', 'Upgrade the CI runners to Node 24', 'waiting', 'codex'],
  ]
  const transcripts: MockWorld['transcripts'] = {}
  const lanes = specs.map(([id, kind, ws, title, given, profileId], i) => {
    const status = opts.quiet && (given === 'waiting' || given === 'failed') ? 'ready' : given
    transcripts[id] =
      kind === 'terminal'
        ? []
        : stamp(id, [
            ...chat(title, `Looking at it. The change touches **${i + 2} files**; the tests in \`${ws}/\` pass.`),
            ...(status === 'waiting'
              ? ([
                  { type: 'turn.started' },
                  { type: 'tool.started', toolCallId: 'run', toolKind: 'execute', title: 'npm test', command: 'npm test' },
                  { type: 'approval.requested', requestId: 'req', toolCallId: 'run', title: 'Run `npm test`?', detail: 'npm test\ncwd: ~/src/infra', options: ALLOW },
                ] as LaneEventBody[])
              : []),
          ], t + i * 60_000)
    return mockLane({
      id,
      kind,
      profileId,
      workspaceId: ws,
      title,
      status,
      createdAt: t + i,
      lastActivityAt: t + i * 60_000,
      ...(kind === 'terminal' ? {} : { usage: { inputTokens: 4200 * (i + 1), outputTokens: 380 * (i + 1), costUsd: 0.011 * (i + 1) } }),
      ...(status === 'failed' ? { exit: { exitCode: 1, signal: null, message: 'codex exited with code 1', lastLines: ['Error: 401 Unauthorized'] } } : {}),
    })
  })
  return {
    workspaces: [
      { id: 'api', name: 'api', path: '/home/dev/src/api', addedAt: 1 },
      { id: 'web', name: 'web', path: '/home/dev/src/web', addedAt: 2 },
      { id: 'infra', name: 'infra', path: '/home/dev/src/infra', addedAt: 3 },
    ],
    profiles: [
      mockProfile({ id: 'shell', name: 'Shell', kind: 'terminal', builtIn: true }),
      mockProfile({ id: 'codex', name: 'Codex', kind: 'codex', builtIn: true }),
      mockProfile({ id: 'claude', name: 'Claude Code', kind: 'claude', builtIn: true }),
      mockProfile({ id: 'pi', name: 'pi', kind: 'pi', builtIn: true }),
      mockProfile({ id: 'gemini', name: 'Gemini CLI', kind: 'acp', builtIn: true }),
    ],
    lanes,
    transcripts,
  }
}
