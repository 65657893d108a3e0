// A fake `pi --mode rpc`, shaped from the recorded traffic of the real CLI
// (test/fixtures/transcripts/pi-rpc-*.io.log), for the error paths a real model will not produce.
// Flags it does not know are ignored; `--mode rpc` is required, `--session <file>` resumes.
// Prompts (first word decides):
//   hold       stream one delta, then wait: a steered prompt finishes it, an abort aborts it
//   think      a thinking block before the text
//   approve    announce a bash tool call and ask through an extension `select` dialog (Allow/Block)
//   confirm    the same with a `confirm` dialog
//   approve-exit  ask, then exit 1 while the dialog is pending
//   ask        an extension asks for a line (`input`), then a text (`editor`); reply with both answers
//   fail-tool  a bash tool call that exits with code 2
//   error      the run ends with stopReason "error"
//   retry      a retryable error, pi's auto-retry, then success (one lane turn)
//   unknown    events and deltas of types nobody knows, then a reply
//   huge:<n>   a text delta of n bytes
//   garbage    a malformed line;  notobject  a JSON line that is not an event
//   crash      exit 3 mid-turn with two stderr lines
//   history    reply with the prompts of this session so far (proves --session resumed it)
//   argv       reply with this process's argv and PI_OFFLINE
//   anything else: "echo: <prompt>"
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import './tool-child.mjs'

const argv = process.argv.slice(2)
const flag = (name) => {
  const i = argv.lastIndexOf(name)
  return i >= 0 ? argv[i + 1] : undefined
}
if (flag('--mode') !== 'rpc') {
  process.stderr.write('fake pi: this fake only speaks --mode rpc\n')
  process.exit(2)
}

const out = (v) => process.stdout.write(JSON.stringify(v) + '\n')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
process.on('SIGTERM', () => process.exit(143))

// Sessions: pi writes the file once the first assistant message exists.
const sessionsDir = path.join(process.env.PI_CODING_AGENT_DIR ?? os.tmpdir(), 'sessions')
const sessionFile = flag('--session') ?? path.join(sessionsDir, `fake-${Date.now()}-${process.pid}.jsonl`)
const history = existsSync(sessionFile)
  ? readFileSync(sessionFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).prompt)
  : []
const remember = (prompt) => {
  mkdirSync(path.dirname(sessionFile), { recursive: true })
  appendFileSync(sessionFile, JSON.stringify({ prompt }) + '\n')
  history.push(prompt)
}

const usage = { input: 10, output: 5, cacheRead: 2, cacheWrite: 0, totalTokens: 17, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0.001 } }
const NO_USAGE = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } }
const assistant = (content, stopReason = 'stop', extra = {}) => ({
  role: 'assistant',
  content,
  api: 'openai-completions',
  provider: 'fake',
  model: 'fake-model',
  usage: stopReason === 'aborted' ? NO_USAGE : usage,
  stopReason,
  timestamp: Date.now(),
  ...extra,
})
const user = (text) => ({ role: 'user', content: [{ type: 'text', text }], timestamp: Date.now() })

/** The run under way: its messages, steered prompts, and how to end a held reply. */
let run
const steered = []
const dialogs = new Map()

async function prompt(text) {
  run = { messages: [], release: undefined, aborted: false }
  out({ type: 'agent_start' })
  let next = text
  while (next !== undefined) {
    out({ type: 'turn_start' })
    out({ type: 'message_start', message: user(next) })
    out({ type: 'message_end', message: user(next) })
    run.messages.push(user(next))
    remember(next)
    const message = await respond(next)
    if (!message) return // exited
    out({ type: 'turn_end', message, toolResults: [] })
    if (message.stopReason === 'aborted' || message.stopReason === 'error') break
    next = steered.shift()
  }
  const done = run
  run = undefined
  out({ type: 'agent_end', messages: done.messages })
}

/** Streams one assistant text message in `pieces`; returns it. */
async function say(pieces, { thinking, hold } = {}) {
  const content = []
  out({ type: 'message_start', message: assistant([]) })
  if (thinking) {
    content.push({ type: 'thinking', thinking })
    out({ type: 'message_update', assistantMessageEvent: { type: 'thinking_start', contentIndex: 0 }, message: assistant(content) })
    out({ type: 'message_update', assistantMessageEvent: { type: 'thinking_delta', contentIndex: 0, delta: thinking }, message: assistant(content) })
    out({ type: 'message_update', assistantMessageEvent: { type: 'thinking_end', contentIndex: 0, content: thinking }, message: assistant(content) })
  }
  const block = { type: 'text', text: '' }
  content.push(block)
  const index = content.length - 1
  out({ type: 'message_update', assistantMessageEvent: { type: 'text_start', contentIndex: index }, message: assistant(content) })
  for (const piece of pieces) {
    block.text += piece
    out({ type: 'message_update', assistantMessageEvent: { type: 'text_delta', contentIndex: index, delta: piece, partial: assistant(content) }, message: assistant(content) })
  }
  if (hold) {
    await new Promise((r) => (run.release = r))
    if (!run.aborted) {
      block.text += ' …released'
      out({ type: 'message_update', assistantMessageEvent: { type: 'text_delta', contentIndex: index, delta: ' …released' }, message: assistant(content) })
    }
  }
  const stop = run.aborted ? 'aborted' : 'stop'
  const extra = run.aborted ? { errorMessage: 'Request was aborted' } : {}
  out({ type: 'message_update', assistantMessageEvent: { type: 'text_end', contentIndex: index, content: block.text }, message: assistant(content, stop, extra) })
  const message = assistant(content, stop, extra)
  out({ type: 'message_end', message })
  run.messages.push(message)
  return message
}

/** A bash tool call (optionally gated by a dialog), its result, then the model's answer to it. */
async function tool(command, { ask, result }) {
  const call = { type: 'toolCall', id: `call_fake_${Date.now()}`, name: 'bash', arguments: { command } }
  out({ type: 'message_start', message: assistant([]) })
  out({ type: 'message_update', assistantMessageEvent: { type: 'toolcall_start', contentIndex: 0 }, message: assistant([call]) })
  out({ type: 'message_update', assistantMessageEvent: { type: 'toolcall_end', contentIndex: 0, toolCall: call }, message: assistant([call], 'toolUse') })
  const toolMessage = assistant([call], 'toolUse')
  out({ type: 'message_end', message: toolMessage })
  run.messages.push(toolMessage)
  out({ type: 'tool_execution_start', toolCallId: call.id, toolName: 'bash', args: call.arguments })
  let allowed = true
  if (ask) {
    const id = `ui-${Date.now()}`
    const answer = new Promise((r) => dialogs.set(id, r))
    if (ask === 'confirm') out({ type: 'extension_ui_request', id, method: 'confirm', title: 'Run it?', message: command })
    else out({ type: 'extension_ui_request', id, method: 'select', title: `Allow this command?\n\n  ${command}`, options: ['Allow', 'Block'] })
    if (ask === 'exit') {
      await sleep(20)
      process.stderr.write('fake pi: gave up while a dialog was open\n')
      process.exit(1)
    }
    const response = await answer
    allowed = ask === 'confirm' ? response.confirmed === true : response.value === 'Allow'
  }
  const [text, isError] = allowed ? result : ['Blocked by user', true]
  if (allowed) out({ type: 'tool_execution_update', toolCallId: call.id, toolName: 'bash', args: call.arguments, partialResult: { content: [{ type: 'text', text }] } })
  out({ type: 'tool_execution_end', toolCallId: call.id, toolName: 'bash', result: { content: [{ type: 'text', text }], details: {} }, isError })
  const resultMessage = { role: 'toolResult', toolCallId: call.id, toolName: 'bash', content: [{ type: 'text', text }], isError, timestamp: Date.now() }
  out({ type: 'message_start', message: resultMessage })
  out({ type: 'message_end', message: resultMessage })
  run.messages.push(resultMessage)
  out({ type: 'turn_end', message: toolMessage, toolResults: [resultMessage] })
  out({ type: 'turn_start' })
  return say([`TOOL_DONE: ${text}`])
}

async function respond(text) {
  const word = text.split(/[\s:]/)[0]
  switch (word) {
    case 'hold':
      return say(['holding'], { hold: true })
    case 'think':
      return say(['thought ', 'done'], { thinking: 'pondering the question' })
    case 'approve':
      return tool('touch approved.txt', { ask: 'select', result: ['ran\n', false] })
    case 'confirm':
      return tool('touch confirmed.txt', { ask: 'confirm', result: ['ran\n', false] })
    case 'ask': {
      // As extensions call ctx.ui.input / ctx.ui.editor: pi waits for each answer before going on.
      const dialog = (request) => {
        const id = `ui-${request.method}-${Date.now()}`
        out({ type: 'extension_ui_request', id, ...request })
        return new Promise((r) => dialogs.set(id, r))
      }
      const name = await dialog({ method: 'input', title: 'Name the release', placeholder: 'v1.2.3' })
      const notes = await dialog({ method: 'editor', title: 'Release notes', prefill: '- fixed\n' })
      const shown = (r) => (r.cancelled ? '(cancelled)' : JSON.stringify(r.value))
      return say([`ANSWERED: ${shown(name)} ${shown(notes)}`])
    }
    case 'approve-exit':
      return tool('touch never.txt', { ask: 'exit', result: ['', false] })
    case 'fail-tool':
      return tool('ls /nope', { result: ['ls: cannot access /nope\n\nCommand exited with code 2', true] })
    case 'error': {
      const message = assistant([{ type: 'text', text: '' }], 'error', { errorMessage: 'fake upstream exploded' })
      out({ type: 'message_start', message })
      out({ type: 'message_end', message })
      run.messages.push(message)
      return message
    }
    case 'retry': {
      const failed = assistant([], 'error', { errorMessage: '503 service unavailable' })
      out({ type: 'message_start', message: failed })
      out({ type: 'message_end', message: failed })
      out({ type: 'turn_end', message: failed, toolResults: [] })
      // Like pi: agent_end and auto_retry_start in one write, the retried run shortly after.
      process.stdout.write(
        JSON.stringify({ type: 'agent_end', messages: [user(text), failed] }) + '\n' +
          JSON.stringify({ type: 'auto_retry_start', attempt: 1, maxAttempts: 3, delayMs: 20, errorMessage: failed.errorMessage }) + '\n',
      )
      await sleep(20)
      run.messages = []
      out({ type: 'agent_start' })
      out({ type: 'turn_start' })
      const message = await say(['recovered'])
      out({ type: 'auto_retry_end', success: true, attempt: 1 })
      return message
    }
    case 'unknown':
      out({ type: 'brand_new_event', payload: { x: 1 } })
      out({ type: 'queue_update', steering: [], followUp: [] })
      out({ type: 'message_update', assistantMessageEvent: { type: 'sparkle', delta: 'ignored' }, message: assistant([]) })
      out({ type: 'extension_ui_request', id: 'status-1', method: 'setStatus', statusKey: 'x', statusText: 'busy' })
      return say(['still ', 'fine'])
    case 'huge': {
      const n = Number(text.split(':')[1])
      return say(['x'.repeat(n)])
    }
    case 'garbage':
      process.stdout.write('{"type":"message_update","assistantMessageEvent":\n')
      return new Promise(() => {})
    case 'notobject':
      out([1, 2, 3])
      return new Promise(() => {})
    case 'crash':
      out({ type: 'message_start', message: assistant([]) })
      out({ type: 'message_update', assistantMessageEvent: { type: 'text_delta', contentIndex: 0, delta: 'about to' }, message: assistant([]) })
      process.stderr.write('fake pi: lost the model connection\nfake pi: giving up\n')
      process.exit(3)
      return undefined
    case 'history':
      return say([`history: ${history.slice(0, -1).join(' | ')}`])
    case 'argv':
      return say([JSON.stringify({ argv, PI_OFFLINE: process.env.PI_OFFLINE ?? null })])
    default:
      return say(['echo: ', text])
  }
}

function handle(cmd) {
  const respondTo = (extra) => out({ id: cmd.id, type: 'response', command: cmd.type, success: true, ...extra })
  switch (cmd.type) {
    // Like pi: the context estimate from the last reply's usage, against the model's window.
    case 'get_session_stats':
      return respondTo({ data: { sessionFile, sessionId: path.basename(sessionFile, '.jsonl'), tokens: { input: 0, output: 0, total: 0 }, cost: 0, contextUsage: { tokens: 17 * history.length, contextWindow: 1000, percent: 1.7 * history.length } } })
    case 'get_available_models':
      return respondTo({ data: { models: [{ id: 'fake-model', name: 'Fake', provider: 'fake', contextWindow: 1000 }, { id: 'fake-large', name: 'Fake Large', provider: 'fake', contextWindow: 200000 }] } })
    case 'get_state':
      return respondTo({
        data: {
          model: { id: 'fake-model', provider: 'fake', api: 'openai-completions' },
          thinkingLevel: 'off',
          isStreaming: run !== undefined,
          isCompacting: false,
          sessionFile,
          sessionId: path.basename(sessionFile, '.jsonl'),
          messageCount: history.length,
          pendingMessageCount: steered.length,
        },
      })
    case 'prompt':
      if (run) {
        if (!cmd.streamingBehavior) {
          return out({ id: cmd.id, type: 'response', command: 'prompt', success: false, error: "Agent is already processing. Specify streamingBehavior ('steer' or 'followUp') to queue the message." })
        }
        steered.push(cmd.message)
        respondTo()
        run.release?.()
        return
      }
      respondTo()
      void prompt(cmd.message)
      return
    case 'abort':
      if (!run) return respondTo()
      run.aborted = true
      run.release?.()
      // pi answers once the run has ended.
      return void new Promise((r) => setImmediate(r)).then(() => respondTo())
    case 'extension_ui_response': {
      const resolve = dialogs.get(cmd.id)
      dialogs.delete(cmd.id)
      return resolve?.(cmd)
    }
    default:
      return out({ id: cmd.id, type: 'response', command: cmd.type, success: false, error: `Unknown command: ${cmd.type}` })
  }
}

// Split on "\n" only, as pi does (readline would also split on U+2028/U+2029).
let buffer = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => {
  buffer += chunk
  let nl
  while ((nl = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, nl).replace(/\r$/, '')
    buffer = buffer.slice(nl + 1)
    if (line.trim()) handle(JSON.parse(line))
  }
})
process.stdin.on('end', () => process.exit(0))
