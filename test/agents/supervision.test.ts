/**
 * Issue 9, item 3 with real agents: Claude Code and pi, each in the middle of a shell tool call (a long
 * `sleep`, plus a `(… &)` orphan of it), when the process hosting them is killed with SIGKILL. The host
 * is the built server (`out/main/server.js`), a real process the test can kill; 5 s later nothing of
 * either agent's tree may be left.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../support/core'
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/server'
import { killServer, serverBuilt, startServerProcess, type ServerProcess } from '../support/server-process'
import { newTag, taggedProcesses, TAG_VAR } from '../support/survivors'
import { KEY_VAR, writeModels } from './pi-config'
// @ts-expect-error plain ESM script shared with CI
import { agentBin } from '../../scripts/install-agents.mjs'

const onLinux = process.platform === 'linux'
if (!onLinux) console.log('agents/supervision: skipped, counting survivors by their environment needs Linux /proc')
else if (!serverBuilt()) console.log('agents/supervision: skipped, out/main/server.js is missing (run `npx electron-vite build`)')

const dirs: string[] = []
const tempDir = (prefix: string) => {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)))
  dirs.push(dir)
  return dir
}
const tags = { claude: newTag(), pi: newTag() }
let llm: FakeLlm
let server: ServerProcess | undefined

beforeAll(async () => {
  llm = await startFakeLlm()
})
afterAll(async () => {
  for (const tag of Object.values(tags)) for (const p of taggedProcesses(tag)) {
    try {
      process.kill(p.pid, 'SIGKILL')
    } catch {}
  }
  if (server) await killServer(server)
  await llm?.close()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** The agents' PATH: their pinned CLI and this node; HOME is an empty one of their own (see harness.ts). */
function agentEnv(agent: 'claude' | 'pi'): Record<string, string> {
  return { PATH: `${path.dirname(agentBin(agent))}:${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, [TAG_VAR]: tags[agent] }
}

describe.runIf(onLinux && serverBuilt())('agents mid-tool when their host is killed', () => {
  it('Claude and pi running a shell command: nothing of either is left 5 s after kill -9 of the server', async () => {
    server = await startServerProcess(tempDir('switchyard-agents-kill-data-'), { HOME: tempDir('switchyard-agents-kill-home-') })
    const workspace = await server.call('workspaces.add', { path: tempDir('switchyard-agents-kill-ws-') })
    const claude = await server.call('profiles.create', {
      kind: 'claude',
      name: 'claude',
      command: agentBin('claude'),
      env: {
        ...agentEnv('claude'),
        ANTHROPIC_BASE_URL: llm.url,
        ANTHROPIC_API_KEY: 'sk-ant-fake-not-secret',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
      idleTimeoutMs: 0,
      approvalPolicy: 'auto_all',
    })
    const pi = await server.call('profiles.create', {
      kind: 'pi',
      name: 'pi',
      command: agentBin('pi'),
      args: ['--provider', 'fake', '--model', 'fake-model'],
      env: { ...agentEnv('pi'), [KEY_VAR]: 'fake-key-not-secret' },
      idleTimeoutMs: 0,
      approvalPolicy: 'auto_all',
    })
    writeModels(pi.configDir, llm.url)

    for (const [profile, n] of [[claude, 1], [pi, 2]] as const) {
      const lane = await server.call('lanes.create', { workspaceId: workspace.id, profileId: profile.id })
      await server.call('lanes.send', { laneId: lane.id, input: `RUN:(sleep 130${n} &); sleep 120${n}` })
    }
    const midTool = (tag: string, n: number) => {
      const commands = taggedProcesses(tag).map((p) => p.command)
      return commands.includes(`sleep 120${n}`) && commands.includes(`sleep 130${n}`)
    }
    await waitFor('both agents mid-tool', () => midTool(tags.claude, 1) && midTool(tags.pi, 2), 90_000)
    const before = { claude: taggedProcesses(tags.claude).length, pi: taggedProcesses(tags.pi).length }

    const killedAt = Date.now()
    await killServer(server)
    await new Promise((r) => setTimeout(r, killedAt + 5000 - Date.now()))
    const after = { claude: taggedProcesses(tags.claude), pi: taggedProcesses(tags.pi) }
    console.log(
      `agents/supervision: before kill -9 claude ${before.claude} and pi ${before.pi} processes; ` +
        `5 s after: claude ${after.claude.length}, pi ${after.pi.length}`,
    )
    expect(after).toEqual({ claude: [], pi: [] })
  }, 150_000)
})
