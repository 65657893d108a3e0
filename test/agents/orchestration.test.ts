/**
 * Agents driving lanes: real Claude Code and real Codex as the parent (the fake LLM scripted to call
 * Switchyard's MCP tools, ORCHESTRATE in test/support/fake-llm/scenario.ts) create a child lane running a
 * fake pi, give it a task, wait, and quote its answer. The MCP server is `switchyard mcp` as built from
 * source, reached through the real local endpoint. A profile that has not opted in has no such tools;
 * the creation cap holds.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Profile } from '../../src/shared/contract'
import { piAdapter } from '../../src/main/core/agents/pi'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { localServeOptions } from '../../src/main/rpc/local-access'
import { startLocalEndpoint, type LocalEndpoint } from '../../src/main/rpc/local-endpoint'
import { Router } from '../../src/main/rpc/router'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { cliBundle } from '../support/cli-bundle'
import type { FakeLlm } from '../support/fake-llm/server'
import { KEY_VAR, writeConfig } from './codex-config'
import { type AgentHarness, ofType, runTurn, useAgentHarness } from './harness'

const FAKE_PI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/pi-rpc.mjs')

/** The core of a harness, with `switchyard mcp` built from source and the fake pi adapter. */
const coreOptions = async () => ({
  cliLauncher: { command: process.execPath, args: [await cliBundle()] },
  adapters: { ...defaultAdapters(), pi: piAdapter({ graceMs: 300 }) },
})

/** Serves the harness's core on its data dir's endpoint, as the app does. */
function useEndpoint(h: AgentHarness) {
  let endpoint: LocalEndpoint | undefined
  beforeAll(async () => {
    const router = new Router(createHandlers(h.core, { mode: 'server', version: 'test', dataDir: h.core.dataDir }), createStreamSources(h.core))
    endpoint = await startLocalEndpoint({ dataDir: h.core.dataDir, mode: 'server', serve: localServeOptions(router, h.core, h.core.laneTokens) })
  })
  afterAll(async () => endpoint?.close())
}

/** The shared scenario for any parent agent: child answers, cap, no tools without opt-in. */
function orchestrationScenario(h: AgentHarness, parentProfile: (opts: { name: string; drive: boolean }) => Profile) {
  let worker: Profile
  beforeAll(() => {
    worker = h.core.profiles.create({ kind: 'pi', name: 'fake pi worker', command: process.execPath, args: [FAKE_PI], idleTimeoutMs: 0 })
  })

  it('the parent creates a child lane with a task, waits for it and quotes its answer; the second child is over the cap', async () => {
    const parent = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: parentProfile({ name: 'planner', drive: true }).id })
    const turn = await runTurn(h, parent.id, `ORCHESTRATE:${h.core.workspace.id}|${worker.id}|summarise the plan`)
    expect(turn.done.outcome).toBe('completed')
    // Codex hands the model the tool's text after a "Wall time …\nOutput:" header; Claude as is.
    expect(turn.text).toMatch(/CHILD_SAID: (Wall time: [\d.]+ seconds\s+Output:)?echo: summarise the plan/)
    const link = ofType(turn.events, 'lane.child')[0]
    expect(link).toBeDefined()
    const child = h.core.lanes.get(link.childLaneId).record
    expect(child).toMatchObject({ parentLaneId: parent.id, profileId: worker.id, workspaceId: h.core.workspace.id })
    // The tool calls show in the parent's transcript.
    expect(ofType(turn.events, 'tool.completed').length).toBeGreaterThanOrEqual(2)

    const again = await runTurn(h, parent.id, `ORCHESTRATE:${h.core.workspace.id}|${worker.id}|one more`)
    expect(again.text).toMatch(/ORCHESTRATE_FAILED: [\s\S]*limit_reached: This lane may create 1 lanes/)
    expect(h.core.lanes.list().filter((l) => l.parentLaneId === parent.id)).toHaveLength(1)
  })

  it('a lane whose profile has not opted in is offered no Switchyard tools', async () => {
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: parentProfile({ name: 'plain', drive: false }).id })
    const turn = await runTurn(h, lane.id, 'TOOLS?')
    expect(turn.text).toContain('TOOLS: ')
    expect(turn.text).not.toMatch(/switchyard|create_lane|wait_for_lane/)
  })
}

describe('real Claude Code as the parent', () => {
  const claude = (llm: FakeLlm, name: string, drive: boolean) => ({
    kind: 'claude' as const,
    name,
    command: 'claude',
    // Tool search would defer MCP tools behind a ToolSearch call the scripted fake does not make.
    env: { ANTHROPIC_BASE_URL: llm.url, ANTHROPIC_API_KEY: 'sk-ant-fake-not-secret', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', ENABLE_TOOL_SEARCH: 'false' },
    idleTimeoutMs: 60_000,
    approvalPolicy: 'auto_all' as const,
    ...(drive ? { mayDriveLanes: true, maxChildLanes: 1 } : {}),
  })
  const h = useAgentHarness('claude', ({ llm, core }) => core.profiles.create(claude(llm, 'unused', false)), { core: coreOptions })
  useEndpoint(h)
  orchestrationScenario(h, ({ name, drive }) => h.core.profiles.create(claude(h.llm, `claude ${name}`, drive)))
})

describe('real Codex as the parent', () => {
  const codex = (name: string, drive: boolean) => ({
    kind: 'codex' as const,
    name,
    command: 'codex',
    env: { [KEY_VAR]: 'fake-key-not-secret' },
    idleTimeoutMs: 60_000,
    approvalPolicy: 'auto_all' as const,
    ...(drive ? { mayDriveLanes: true, maxChildLanes: 1 } : {}),
  })
  const h = useAgentHarness(
    'codex',
    ({ llm, core }) => {
      const p = core.profiles.create(codex('unused', false))
      writeConfig(p.configDir, llm.url)
      return p
    },
    { core: coreOptions },
  )
  useEndpoint(h)
  orchestrationScenario(h, ({ name, drive }) => {
    const p = h.core.profiles.create(codex(`codex ${name}`, drive))
    writeConfig(p.configDir, h.llm.url)
    return p
  })
})
