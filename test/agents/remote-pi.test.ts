/**
 * A real agent on a remote host: the pinned pi CLI, run by the host's core over real ssh (sshd on
 * 127.0.0.1, a dedicated user), talking to the fake LLM on this machine's loopback. Its permission
 * gate asks; the approval crosses ssh both ways and the command runs there.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM script shared with CI
import { agentBin } from '../../scripts/install-agents.mjs'
import { createCore, type Core } from '../../src/main/core/core'
import { shQuote } from '../../src/main/core/hosts/ssh'
import { fileStore } from '../../src/main/core/store'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import type { Host, Lane, Profile, Workspace } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/server'
import { tempDir } from '../support/core'
import { serverBuilt } from '../support/server-process'
import { sshdMissing, startSshd, type TestSshd } from '../support/sshd'
import { KEY_VAR, writeModels } from './pi-config'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const skip = sshdMissing() ?? (serverBuilt() ? null : 'out/main/server.js is missing: run `npx electron-vite build` first')
if (skip) console.warn(`remote-pi.test.ts skipped: ${skip}`)

const GATE_EXTENSION = `
export default function (pi) {
  pi.on('tool_call', async (event, ctx) => {
    if (event.toolName !== 'bash') return undefined
    const choice = await ctx.ui.select('Allow this command?\\n\\n  ' + event.input.command, ['Allow', 'Block'])
    return choice === 'Allow' ? undefined : { block: true, reason: 'Blocked by the user' }
  })
}
`

async function until<T>(what: string, fn: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = fn()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.skipIf(skip !== null)('pi on a remote host (real ssh, real pi, fake LLM)', () => {
  let sshd: TestSshd
  let llm: FakeLlm
  let core: Core
  let router: Router
  let dataDir: string
  const call = async <T>(method: string, input?: unknown): Promise<T> => {
    const r = await router.call(method, input)
    if (!r.ok) throw new Error(r.error.message)
    return r.value as T
  }
  const ssh = (command: string, input?: string) => execFileSync('ssh', ['-F', sshd.configFile, sshd.hosts.ok, command], { input, encoding: 'utf8' })

  beforeAll(async () => {
    sshd = await startSshd()
    llm = await startFakeLlm()
    // pi's pinned install lives under /root here; the remote user gets its own copy.
    execFileSync('cp', ['-a', path.dirname(path.dirname(path.dirname(agentBin('pi')))), path.join(sshd.dir, 'pi')])
    dataDir = tempDir('switchyard-remote-pi-')
    core = createCore({ dataDir, store: fileStore(dataDir), appRoot: ROOT, sshConfigFile: sshd.configFile, reaperIntervalMs: 0 })
    router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir }), createStreamSources(core))
  }, 120_000)

  afterAll(async () => {
    await core?.close()
    await llm?.close()
    await sshd?.close()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  it('asks through its permission gate, is approved from here, and runs the command there', async () => {
    const host = await call<Host>('hosts.add', { destination: sshd.hosts.ok })
    await call('hosts.install', { hostId: host.id })
    await call('hosts.connect', { hostId: host.id })
    const remote = <T>(method: string, input?: unknown) => call<T>('hosts.call', { hostId: host.id, method, input })

    ssh('mkdir -p proj')
    const folder = path.join(sshd.home, 'proj')
    const ws = await remote<Workspace>('workspaces.add', { path: folder })
    const piBin = path.join(sshd.dir, 'pi', 'node_modules', '.bin', 'pi')
    const profile = await remote<Profile>('profiles.create', {
      kind: 'pi',
      name: 'pi (remote, fake LLM)',
      command: piBin,
      args: ['--provider', 'fake', '--model', 'fake-model'],
      // pi's `#!/usr/bin/env node` finds the host's Node 24 first.
      env: { [KEY_VAR]: 'fake-key-not-secret', PATH: `${path.dirname(sshd.nodePath)}:/usr/bin:/bin` },
      idleTimeoutMs: 0,
      approvalPolicy: 'ask',
    })
    // The profile's private config dir is on the host, the remote user's: written there over ssh.
    const local = tempDir('switchyard-pi-models-')
    writeModels(local, llm.url)
    ssh(`mkdir -p ${shQuote(profile.configDir)}/extensions && cat > ${shQuote(profile.configDir)}/models.json`, readFileSync(path.join(local, 'models.json'), 'utf8'))
    ssh(`cat > ${shQuote(profile.configDir)}/extensions/gate.ts`, GATE_EXTENSION)
    rmSync(local, { recursive: true, force: true })

    const events: LaneEvent[] = []
    const sub = router.subscribe('hosts.events', { hostId: host.id, stream: 'lanes.events' }, (e) => events.push(e as LaneEvent))
    expect(sub.ok).toBe(true)
    const lane = await remote<Lane>('lanes.create', { workspaceId: ws.id, profileId: profile.id, worktree: { enabled: false } })
    await remote('lanes.send', { laneId: lane.id, input: 'RUN:echo allowed > approved.txt' })
    const ask = await until('approval', () => events.find((e) => e.laneId === lane.id && e.type === 'approval.requested'))
    if (ask.type !== 'approval.requested') throw new Error('unreachable')
    expect(ask.title).toContain('echo allowed > approved.txt')
    await remote('lanes.approve', { laneId: lane.id, requestId: ask.requestId, optionId: ask.options.find((o) => o.kind === 'allow_once')!.id })
    const done = await until('turn end', () => events.find((e) => e.laneId === lane.id && e.type === 'turn.completed'))
    expect(done.type === 'turn.completed' && done.outcome).toBe('completed')
    expect(llm.requests.length).toBeGreaterThan(0)
    expect(readFileSync(path.join(folder, 'approved.txt'), 'utf8')).toBe('allowed\n')
    expect(existsSync(path.join(ROOT, 'approved.txt'))).toBe(false)
    if (sub.ok) sub.value()
  }, 180_000)
})
