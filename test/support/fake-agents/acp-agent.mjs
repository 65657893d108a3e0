// A scripted ACP agent built on the official SDK, shaped like `gemini --acp` (transcripts/gemini-acp-*):
// permission requests carry the tool call (no `tool_call` first), a rejected call gets no update,
// `session/load` answers first and replays the history after. Unknown flags are ignored.
//
// Prompt markers (anything else: ECHO: <prompt>, streamed, with usage):
//   RUN:<cmd>          asks permission (Allow for this session / Allow / Reject), then reports an execute tool
//                      call with the fake output "ran: <cmd>", then TOOL_DONE: ran: <cmd>; DENIED: <cmd> if rejected
//   SLOW:<n>           n chunks "tick i ", 100 ms apart; stops on session/cancel
//   REMEMBER:<w> / RECALL   RECALLED: <w> from this session's history (survives session/load)
//   READ:<path>        fs/read_text_file through the client → READ_OK: <text> | READ_ERR: <message>
//   WRITE:<path> <text>  fs/write_text_file (an edit tool call with a diff) → WRITE_OK | WRITE_ERR: <message>
//   TERM:<command line>  terminal/create + wait_for_exit + output → TERM_DONE: <output>
//   PLAN / THINK       a plan update / a thought chunk, then ECHO
//   UNKNOWN            an unknown notification and an unknown update kind, then ECHO
//   CRASH              a chunk, two stderr lines, exit 3
//   MALFORMED          a line that is not JSON
//   HUGE:<bytes>       one update line longer than <bytes>
//   EXIT_IN_APPROVAL   asks permission, then exits 2 without waiting for the answer
//   MODE               MODE: <the session's current mode> (modes as Gemini's: default, autoEdit, yolo, plan)
//   MCP                MCP: the MCP servers session/new gave it (name:command args), comma-separated
//   GO_PLAN            the agent switches itself to plan mode (current_mode_update), then MODE: plan
//   MODEL              MODEL: <the session's current model> (models as Gemini's `models`: auto, fake-pro, fake-flash;
//                      session/set_model switches, an unknown id is refused)
// Env: FAKE_ACP_HOME (where sessions are kept; default a temp dir); FAKE_ACP_NEEDS_AUTH=1: the agent
// advertises an auth method satisfied by the env var FAKE_ACP_KEY and refuses session/new until authenticated.
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable, Writable } from 'node:stream'
import * as acp from '@agentclientprotocol/sdk/unstable'
import './tool-child.mjs'

const HOME = process.env.FAKE_ACP_HOME ?? path.join(os.tmpdir(), 'switchyard-fake-acp')
mkdirSync(HOME, { recursive: true })
const NEEDS_AUTH = process.env.FAKE_ACP_NEEDS_AUTH === '1'
let authenticated = !NEEDS_AUTH

const MODES = [
  { id: 'default', name: 'Default', description: 'Prompts for approval' },
  { id: 'autoEdit', name: 'Auto Edit', description: 'Auto-approves edit tools' },
  { id: 'yolo', name: 'YOLO', description: 'Auto-approves all tools' },
  { id: 'plan', name: 'Plan', description: 'Read-only mode' },
]
const modeState = (s) => ({ currentModeId: s.mode ?? 'default', availableModes: MODES })
const MODELS = [
  { modelId: 'auto', name: 'Auto', description: 'Let the agent decide' },
  { modelId: 'fake-pro', name: 'Fake Pro' },
  { modelId: 'fake-flash', name: 'Fake Flash' },
]
const modelState = (s) => ({ currentModelId: s.model ?? 'auto', availableModels: MODELS })

const file = (id) => path.join(HOME, `${id.replace(/[^\w-]/g, '')}.json`)
const load = (id) => {
  try {
    return JSON.parse(readFileSync(file(id), 'utf8'))
  } catch {
    return undefined
  }
}
const save = (id, s) => writeFileSync(file(id), JSON.stringify(s))
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const raw = (line) => process.stdout.write(line + '\n')

/** sessionId → AbortController of the running prompt. */
const running = new Map()
const CANCELLED = Symbol('cancelled')
let toolSeq = 0

process.stderr.write('fake-acp: started\n')

const app = acp
  .agent({ name: 'fake-acp' })
  .onRequest(acp.methods.agent.initialize, () => ({
    protocolVersion: acp.PROTOCOL_VERSION,
    agentInfo: { name: 'fake-acp', version: '1.0.0' },
    agentCapabilities: { loadSession: true, promptCapabilities: {} },
    authMethods: NEEDS_AUTH ? [{ id: 'fake-key', name: 'Fake key', _meta: { env: ['FAKE_ACP_KEY'] } }] : [],
  }))
  .onRequest(acp.methods.agent.authenticate, ({ params }) => {
    if (params.methodId !== 'fake-key') throw acp.RequestError.invalidParams(undefined, `unknown method ${params.methodId}`)
    if (!process.env.FAKE_ACP_KEY) throw acp.RequestError.authRequired(undefined, 'FAKE_ACP_KEY is not set')
    authenticated = true
    return {}
  })
  .onRequest(acp.methods.agent.session.new, ({ params }) => {
    if (!authenticated) throw acp.RequestError.authRequired()
    const sessionId = randomUUID()
    save(sessionId, { cwd: params.cwd, history: [], mode: 'default', mcpServers: (params.mcpServers ?? []).map((m) => `${m.name}:${m.command} ${(m.args ?? []).join(' ')}`) })
    return { sessionId, modes: modeState({}), models: modelState({}) }
  })
  .onRequest('session/set_model', (params) => params, ({ params }) => {
    const s = load(params.sessionId)
    if (!s) throw acp.RequestError.resourceNotFound(params.sessionId)
    if (!MODELS.some((m) => m.modelId === params.modelId)) throw acp.RequestError.invalidParams(undefined, `no model ${params.modelId}`)
    save(params.sessionId, { ...s, model: params.modelId })
    return {}
  })
  .onRequest(acp.methods.agent.session.setMode, async ({ params, client }) => {
    const s = load(params.sessionId)
    if (!s) throw acp.RequestError.resourceNotFound(params.sessionId)
    if (!MODES.some((m) => m.id === params.modeId)) throw acp.RequestError.invalidParams(undefined, `no mode ${params.modeId}`)
    save(params.sessionId, { ...s, mode: params.modeId })
    return {}
  })
  .onRequest(acp.methods.agent.session.load, ({ params, client }) => {
    const s = load(params.sessionId)
    if (!s) throw acp.RequestError.resourceNotFound(params.sessionId)
    // Like Gemini: the answer first, the history right after it.
    setImmediate(async () => {
      for (const h of s.history) {
        const sessionUpdate = h.role === 'user' ? 'user_message_chunk' : 'agent_message_chunk'
        await client.notify(acp.methods.client.session.update, { sessionId: params.sessionId, update: { sessionUpdate, content: { type: 'text', text: h.text } } })
      }
    })
    // A loaded session starts in the default mode again: the client restores its own.
    save(params.sessionId, { ...s, mode: 'default', model: undefined })
    return { modes: modeState({}), models: modelState({}) }
  })
  .onNotification(acp.methods.agent.session.cancel, ({ params }) => running.get(params.sessionId)?.abort())
  .onRequest(acp.methods.agent.session.prompt, async ({ params, client }) => {
    const { sessionId } = params
    const s = load(sessionId)
    if (!s) throw acp.RequestError.resourceNotFound(sessionId)
    const text = params.prompt.map((b) => (b.type === 'text' ? b.text : '')).join('')
    const abort = new AbortController()
    running.set(sessionId, abort)
    try {
      const reply = await respond(client, sessionId, s, text, abort.signal)
      if (abort.signal.aborted || reply === CANCELLED) return { stopReason: 'cancelled' }
      s.history.push({ role: 'user', text }, { role: 'agent', text: reply })
      save(sessionId, s)
      return { stopReason: 'end_turn', usage: { inputTokens: 12, outputTokens: 4, totalTokens: 16 } }
    } finally {
      running.delete(sessionId)
    }
  })

const update = (client, sessionId, u) => client.notify(acp.methods.client.session.update, { sessionId, update: u })

async function say(client, sessionId, text, signal) {
  for (let i = 0; i < text.length && !signal.aborted; i += 8) {
    await update(client, sessionId, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: text.slice(i, i + 8) } })
  }
  return text
}

const OPTIONS = [
  { optionId: 'proceed_always', name: 'Allow for this session', kind: 'allow_always' },
  { optionId: 'proceed_once', name: 'Allow', kind: 'allow_once' },
  { optionId: 'cancel', name: 'Reject', kind: 'reject_once' },
]

async function respond(client, sessionId, s, text, signal) {
  let m
  if (/GO_PLAN/.test(text)) {
    s.mode = 'plan'
    save(sessionId, s)
    await update(client, sessionId, { sessionUpdate: 'current_mode_update', currentModeId: 'plan' })
  }
  if (/^MCP\b/.test(text)) return say(client, sessionId, `MCP: ${(load(sessionId)?.mcpServers ?? []).join(', ')}`, signal)
  if (/MODEL/.test(text)) return say(client, sessionId, `MODEL: ${load(sessionId)?.model ?? 'auto'}`, signal)
  if (/MODE/.test(text)) return say(client, sessionId, `MODE: ${load(sessionId)?.mode ?? 'default'}`, signal)
  if ((m = /SLOW:(\d+)/.exec(text))) {
    let out = ''
    for (let i = 1; i <= Number(m[1]) && !signal.aborted; i++) {
      if (i > 1) await sleep(100)
      if (signal.aborted) break
      out += `tick ${i} `
      await update(client, sessionId, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: `tick ${i} ` } })
    }
    return out
  }
  if ((m = /RUN:(.+)$/m.exec(text))) {
    const command = m[1].trim()
    const toolCallId = `run_shell_command_${++toolSeq}`
    const answer = await client.request(acp.methods.client.session.requestPermission, {
      sessionId,
      options: OPTIONS,
      toolCall: { toolCallId, status: 'pending', title: command, kind: 'execute', rawInput: { command }, content: [{ type: 'content', content: { type: 'text', text: '(fake-acp wants to run this)' } }] },
    })
    // The client answers `cancelled` when it cancels the turn (maybe before session/cancel arrives).
    if (answer.outcome.outcome === 'cancelled' || signal.aborted) return CANCELLED
    if (answer.outcome.optionId === 'cancel') return say(client, sessionId, `DENIED: ${command}`, signal)
    await update(client, sessionId, { sessionUpdate: 'tool_call_update', toolCallId, status: 'in_progress' })
    const output = `ran: ${command}`
    await update(client, sessionId, {
      sessionUpdate: 'tool_call_update',
      toolCallId,
      status: 'completed',
      content: [{ type: 'content', content: { type: 'text', text: output } }],
      rawOutput: { exitCode: 0 },
    })
    return say(client, sessionId, `TOOL_DONE: ${output}`, signal)
  }
  if ((m = /READ:(\S+)/.exec(text))) {
    const toolCallId = `read_${++toolSeq}`
    await update(client, sessionId, { sessionUpdate: 'tool_call', toolCallId, title: `Read ${m[1]}`, kind: 'read', status: 'in_progress', locations: [{ path: m[1] }] })
    try {
      const { content } = await client.request(acp.methods.client.fs.readTextFile, { sessionId, path: m[1] })
      await update(client, sessionId, { sessionUpdate: 'tool_call_update', toolCallId, status: 'completed', content: [{ type: 'content', content: { type: 'text', text: content } }] })
      return say(client, sessionId, `READ_OK: ${content}`, signal)
    } catch (err) {
      await update(client, sessionId, { sessionUpdate: 'tool_call_update', toolCallId, status: 'failed', content: [{ type: 'content', content: { type: 'text', text: err.message } }] })
      return say(client, sessionId, `READ_ERR: ${err.message}`, signal)
    }
  }
  if ((m = /WRITE:(\S+) ([^]*)$/.exec(text))) {
    const [, target, content] = m
    const toolCallId = `write_${++toolSeq}`
    let oldText = null
    try {
      oldText = (await client.request(acp.methods.client.fs.readTextFile, { sessionId, path: target })).content
    } catch {}
    await update(client, sessionId, { sessionUpdate: 'tool_call', toolCallId, title: `Write ${target}`, kind: 'edit', status: 'in_progress' })
    try {
      await client.request(acp.methods.client.fs.writeTextFile, { sessionId, path: target, content })
      await update(client, sessionId, { sessionUpdate: 'tool_call_update', toolCallId, status: 'completed', content: [{ type: 'diff', path: target, oldText, newText: content }] })
      return say(client, sessionId, 'WRITE_OK', signal)
    } catch (err) {
      await update(client, sessionId, { sessionUpdate: 'tool_call_update', toolCallId, status: 'failed', content: [{ type: 'content', content: { type: 'text', text: err.message } }] })
      return say(client, sessionId, `WRITE_ERR: ${err.message}`, signal)
    }
  }
  if ((m = /TERM:(.+)$/m.exec(text))) {
    const toolCallId = `term_${++toolSeq}`
    const terminal = await client.createTerminal({ sessionId, command: m[1].trim() })
    await update(client, sessionId, { sessionUpdate: 'tool_call', toolCallId, title: m[1].trim(), kind: 'execute', status: 'in_progress', content: [{ type: 'terminal', terminalId: terminal.id }] })
    const exit = await terminal.waitForExit()
    const { output } = await terminal.currentOutput()
    await update(client, sessionId, { sessionUpdate: 'tool_call_update', toolCallId, status: exit.exitCode === 0 ? 'completed' : 'failed' })
    await terminal.release()
    return say(client, sessionId, `TERM_DONE: ${output.trim()}`, signal)
  }
  if (/PLAN/.test(text)) {
    await update(client, sessionId, {
      sessionUpdate: 'plan',
      entries: [
        { content: 'look around', priority: 'high', status: 'completed' },
        { content: 'answer', priority: 'medium', status: 'in_progress' },
      ],
    })
  }
  if (/THINK/.test(text)) await update(client, sessionId, { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'pondering…' } })
  if (/UNKNOWN/.test(text)) {
    raw(JSON.stringify({ jsonrpc: '2.0', method: '_fake/telemetry', params: { hello: 1 } }))
    raw(JSON.stringify({ jsonrpc: '2.0', method: 'session/update', params: { sessionId, update: { sessionUpdate: 'brand_new_kind', stuff: true } } }))
  }
  if (/CRASH/.test(text)) {
    await update(client, sessionId, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'about to crash' } })
    process.stderr.write('fake-acp: about to crash\nfatal: the model went away\n')
    setTimeout(() => process.exit(3), 20)
    return new Promise(() => {})
  }
  if (/MALFORMED/.test(text)) {
    raw('{"jsonrpc": "2.0", "method": "session/update", "params": {')
    return new Promise(() => {})
  }
  if ((m = /HUGE:(\d+)/.exec(text))) {
    const big = 'x'.repeat(Number(m[1]) + 1)
    raw(JSON.stringify({ jsonrpc: '2.0', method: 'session/update', params: { sessionId, update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: big } } } }))
    return new Promise(() => {})
  }
  if (/EXIT_IN_APPROVAL/.test(text)) {
    void client.request(acp.methods.client.session.requestPermission, {
      sessionId,
      options: OPTIONS,
      toolCall: { toolCallId: `exit_${++toolSeq}`, status: 'pending', title: 'rm -rf build', kind: 'execute' },
    })
    setTimeout(() => process.exit(2), 100)
    return new Promise(() => {})
  }
  if (/RECALL/.test(text) && !/REMEMBER:/.test(text)) {
    const word = s.history.map((h) => /REMEMBER:([\w-]+)/.exec(h.text)?.[1]).find(Boolean)
    return say(client, sessionId, `RECALLED: ${word ?? 'nothing'}`, signal)
  }
  await update(client, sessionId, { sessionUpdate: 'usage_update', used: 100, size: 1000, cost: { amount: 0.01 * (s.history.length / 2 + 1), currency: 'USD' } })
  return say(client, sessionId, `ECHO: ${text.trim()}`, signal)
}

const connection = app.connect(acp.ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)))
connection.closed.then(() => process.exit(0))
