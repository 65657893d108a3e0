/**
 * `profiles.models`: each agent kind is asked for its models the way it lists them (Codex `model/list`,
 * pi `get_available_models`, an ACP session's `models`, Claude's aliases), run through the contract's
 * router against the kinds' fakes; and a lane's model reaches an ACP agent by `session/set_model`.
 */
import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { acpAdapter } from '../../src/main/core/agents/acp'
import { CLAUDE_MODELS } from '../../src/main/core/agents/claude'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import type { AgentKind } from '../../src/shared/contract'
import { laneDriver, tempDirsDeletedAfterAll, testCore, type TestCore } from '../support/core'

const FAKES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents')
const tempDir = tempDirsDeletedAfterAll()
const scratch = tempDir('switchyard-models-')
const CODEX = path.join(scratch, 'codex')
writeFileSync(CODEX, `#!/bin/sh\nexec "${process.execPath}" "${path.join(FAKES, 'codex-app-server.mjs')}" "$@"\n`)
chmodSync(CODEX, 0o755)

let core: TestCore | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
})

function setup(kind: Exclude<AgentKind, 'terminal'>, command: string, args: string[]) {
  core = testCore({ adapters: { ...defaultAdapters(), acp: acpAdapter({ graceMs: 300 }) }, loginPath: async () => '/usr/bin:/bin' })
  const profile = core.profiles.create({ kind, name: `fake ${kind}`, command, args, env: { FAKE_ACP_HOME: tempDir('switchyard-fake-acp-') }, idleTimeoutMs: 60_000, approvalPolicy: 'ask' })
  const router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
  const models = (input: unknown) => router.call('profiles.models', input)
  return { core, profile, models }
}

describe('profiles.models', () => {
  it('asks Codex with model/list, every page, and leaves its hidden models out', async () => {
    const { profile, models } = setup('codex', CODEX, [])
    const res = await models({ profileId: profile.id })
    expect(res).toEqual({
      ok: true,
      value: [
        { id: 'fake-model', name: 'Fake Model', description: 'The default' },
        { id: 'fake-mini', name: 'Fake Mini', description: 'Small' },
      ],
    })
  }, 30_000)

  it('asks pi with get_available_models, as provider/id that --model takes', async () => {
    const { profile, models } = setup('pi', process.execPath, [path.join(FAKES, 'pi-rpc.mjs')])
    const res = await models({ profileId: profile.id })
    expect(res).toEqual({ ok: true, value: [{ id: 'fake/fake-model', name: 'Fake (fake)' }, { id: 'fake/fake-large', name: 'Fake Large (fake)' }] })
  }, 30_000)

  it("takes an ACP agent's list from a session it opens and ends", async () => {
    const { profile, models } = setup('acp', process.execPath, [path.join(FAKES, 'acp-agent.mjs')])
    const res = await models({ profileId: profile.id })
    expect(res).toEqual({
      ok: true,
      value: [
        { id: 'auto', name: 'Auto', description: 'Let the agent decide' },
        { id: 'fake-pro', name: 'Fake Pro' },
        { id: 'fake-flash', name: 'Fake Flash' },
      ],
    })
  }, 30_000)

  it('gives Claude its aliases without starting it', async () => {
    const { profile, models } = setup('claude', '/nonexistent/claude', [])
    expect(await models({ profileId: profile.id })).toEqual({ ok: true, value: CLAUDE_MODELS })
  })

  it('keeps a list for a while, asks again on refresh, and says why when the agent cannot be run', async () => {
    const { core, profile, models } = setup('codex', CODEX, [])
    const first = await models({ profileId: profile.id })
    // The command is gone: a kept list is still answered, a refresh says what failed.
    core.profiles.update(profile.id, { command: path.join(scratch, 'gone') })
    const failed = await models({ profileId: profile.id, refresh: true })
    expect(failed).toMatchObject({ ok: false, error: { code: 'spawn_failed', message: expect.stringContaining('gone') } })
    core.profiles.update(profile.id, { command: CODEX })
    expect(await models({ profileId: profile.id })).toEqual(first)
  }, 30_000)

  it('refuses unknown profiles and malformed input', async () => {
    const { models } = setup('codex', CODEX, [])
    expect(await models({ profileId: 'profile_nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    for (const bad of [{}, { profileId: '' }, { profileId: 'x'.repeat(10_000) }, { profileId: 'a', refresh: 'yes' }, { profileId: 'a', extra: 1 }, null, 'a']) {
      expect(await models(bad), JSON.stringify(bad)?.slice(0, 40)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    }
  })
})

describe("a lane's model reaches an ACP agent", () => {
  it('with session/set_model after session/new, and a model it does not offer is reported, not fatal', async () => {
    const { core, profile } = setup('acp', process.execPath, [path.join(FAKES, 'acp-agent.mjs')])
    const d = laneDriver(core, profile)
    const chosen = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id, model: 'fake-flash' })
    expect(chosen).toMatchObject({ status: 'ready', model: 'fake-flash' })
    const { done } = await d.turn(chosen.id, 'MODEL')
    expect(done).toBeTruthy()
    expect(d.text(chosen.id)).toContain('MODEL: fake-flash')

    const unknown = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id, model: 'no-such-model' })
    expect(unknown.status).toBe('ready')
    await d.turn(unknown.id, 'MODEL')
    expect(d.text(unknown.id)).toContain('MODEL: auto')
    expect(d.find(unknown.id, 'error').map((e) => (e as { message: string }).message).join('\n')).toContain('did not switch to model no-such-model')
  }, 60_000)
})
