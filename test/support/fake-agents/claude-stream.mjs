// A small stand-in for `claude -p --input-format stream-json --output-format stream-json …`, shaped from
// the real CLI's recorded traffic (test/fixtures/transcripts/claude-sdk-*.io.log), for the error
// paths a real model will not produce. Unknown flags are ignored; `--resume <id>` continues session <id>.
// Prompts: anything → "echo: <prompt>"; "whoami" → "session <id> resumed <yes|no>"; "RUN:<cmd>" asks
// can_use_tool first; "slow" streams until interrupted; "crash" exits 3 mid-turn; "garbage" prints a
// malformed line; "huge" prints a 3 MiB line; "unknown" sends messages and requests no client knows;
// "ask-then-die" asks for approval and exits before the answer. FAKE_CLAUDE_FAIL_START=<msg> exits at once.
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import './tool-child.mjs'

if (process.env.FAKE_CLAUDE_FAIL_START) {
  process.stderr.write(`${process.env.FAKE_CLAUDE_FAIL_START}\n`)
  process.exit(1)
}

const argv = process.argv.slice(2)
const resumeAt = argv.indexOf('--resume')
const resumed = resumeAt >= 0
const session = resumed ? argv[resumeAt + 1] : randomUUID()
let cost = 0
let results = 0

const out = (v) => process.stdout.write(JSON.stringify(v) + '\n')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const base = () => ({ session_id: session, parent_tool_use_id: null, uuid: randomUUID() })

/** Where the real CLI keeps the session, so a supervisor can tell a resumable one. */
function saveSession() {
  const dir = process.env.CLAUDE_CONFIG_DIR
  if (!dir) return
  const project = path.join(dir, 'projects', process.cwd().replace(/[^A-Za-z0-9]/g, '-'))
  mkdirSync(project, { recursive: true })
  writeFileSync(path.join(project, `${session}.jsonl`), JSON.stringify({ sessionId: session }) + '\n')
}

function streamText(id, text) {
  out({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, ...base(), api_message_id: id })
}

function assistant(id, content, extra = {}) {
  out({ type: 'assistant', message: { id, type: 'message', role: 'assistant', model: 'claude-fake', content, stop_reason: null }, ...base(), ...extra })
}

// The real `result` line does not start with "type".
function result(fields) {
  const turnCost = 0.001
  cost += turnCost // cumulative, like the real total_cost_usd
  const usage = { input_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 20, output_tokens: 10 }
  const model = (n) => ({ 'claude-fake': { inputTokens: 100 * n, outputTokens: 10 * n, cacheReadInputTokens: 20 * n, cacheCreationInputTokens: 0, costUSD: turnCost * n } })
  out({
    duration_ms: 5, session_id: session, total_cost_usd: cost, usage, modelUsage: model(results + 1),
    is_error: false, num_turns: 1, subtype: 'success', type: 'result', result_index: results++,
    model_usage_since_last_result: model(1), ...fields,
  })
}

// Control responses the fake waits for, by request id.
const waiting = new Map()
const ask = (request_id, request) =>
  new Promise((resolve) => {
    waiting.set(request_id, resolve)
    out({ type: 'control_request', request_id, request })
  })

let interrupted
let turns = Promise.resolve()
let n = 0

async function turn(prompt) {
  const id = `msg_fake_${++n}`
  out({ type: 'system', subtype: 'init', cwd: process.cwd(), session_id: session, tools: ['Bash', 'Read'], model: 'claude-fake', permissionMode: 'default' })
  saveSession()
  if (prompt === 'whoami') return reply(id, `session ${session} resumed ${resumed ? 'yes' : 'no'}`)
  if (prompt === 'crash') {
    streamText(id, 'about to ')
    process.stderr.write('fatal: the model went away\n')
    process.exit(3)
  }
  if (prompt === 'garbage') return void process.stdout.write('{"type":"assistant","message": unterminated\n')
  if (prompt === 'huge') {
    const chunk = 'x'.repeat(1 << 20)
    process.stdout.write('{"type":"stream_event","pad":"')
    for (let i = 0; i < 3; i++) if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r))
    return void process.stdout.write('"}\n')
  }
  if (prompt === 'unknown') {
    out({ type: 'future_event', payload: { anything: true } })
    out({ type: 'system', subtype: 'something_new', ...base() })
    out({ type: 'stream_event', event: { type: 'brand_new_event' }, ...base() })
    const answer = await ask('hook-1', { subtype: 'hook_callback', callback_id: 'x', input: {} })
    return reply(id, `hook answered: ${answer.subtype}`)
  }
  if (prompt === 'ask-then-die') {
    out({ type: 'control_request', request_id: 'perm-die', request: { subtype: 'can_use_tool', tool_name: 'Bash', input: { command: 'rm -rf build' }, permission_suggestions: [], tool_use_id: 'toolu_die' } })
    await sleep(300)
    process.stderr.write('lost the approval channel\n')
    process.exit(2)
  }
  if (prompt === 'slow') {
    interrupted = false
    let text = ''
    for (let i = 1; i <= 400 && !interrupted; i++) {
      streamText(id, `tick ${i} `)
      text += `tick ${i} `
      await sleep(25)
    }
    if (interrupted) {
      assistant(id, [{ type: 'text', text }], { aborted: true })
      out({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] }, ...base() })
      return result({ subtype: 'error_during_execution', is_error: true, terminal_reason: 'aborted_streaming', usage: { input_tokens: 0, output_tokens: 0 } })
    }
    assistant(id, [{ type: 'text', text }])
    return result({ result: text })
  }
  const run = /^RUN:(.+)$/.exec(prompt)
  if (run) {
    const command = run[1]
    const toolId = `toolu_fake_${n}`
    const input = { command, description: 'fake command' }
    assistant(id, [{ type: 'tool_use', id: toolId, name: 'Bash', input }])
    const suggestions = [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: `${command.split(' ')[0]} *` }], behavior: 'allow', destination: 'session' }]
    const answer = await ask(`perm-${n}`, { subtype: 'can_use_tool', tool_name: 'Bash', display_name: 'Bash', input, description: 'fake command', permission_suggestions: suggestions, tool_use_id: toolId })
    const decision = answer
    if (decision.behavior === 'interrupted') {
      out({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] }, ...base() })
      return result({ subtype: 'error_during_execution', is_error: true, terminal_reason: 'aborted_tools', usage: { input_tokens: 0, output_tokens: 0 } })
    }
    if (decision.behavior === 'allow') {
      const output = `ran: ${decision.updatedInput?.command}`
      out({ type: 'user', message: { role: 'user', content: [{ tool_use_id: toolId, type: 'tool_result', content: output, is_error: false }] }, ...base(), tool_use_result: { stdout: output, stderr: '', interrupted: false } })
      return reply(`${id}b`, `done: ${output}`)
    }
    out({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', content: decision.message ?? 'denied', is_error: true, tool_use_id: toolId }] }, ...base() })
    return reply(`${id}b`, 'not run')
  }
  return reply(id, `echo: ${prompt}`)
}

function reply(id, text) {
  for (let i = 0; i < text.length; i += 8) streamText(id, text.slice(i, i + 8))
  assistant(id, [{ type: 'text', text }])
  result({ result: text })
}

let buf = ''
process.stdin.on('data', (d) => {
  buf += d
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
    const line = buf.slice(0, i)
    buf = buf.slice(i + 1)
    if (line.trim()) handle(JSON.parse(line))
  }
})
process.stdin.on('end', () => turns.then(() => process.exit(0)))

function handle(msg) {
  if (msg.type === 'control_request' && msg.request?.subtype === 'initialize') {
    return out({ type: 'control_response', response: { subtype: 'success', request_id: msg.request_id, response: { commands: [], models: [], pid: process.pid } } })
  }
  if (msg.type === 'control_request' && msg.request?.subtype === 'interrupt') {
    interrupted = true
    // As the real CLI: a permission prompt still open is cancelled, and its turn ends as interrupted.
    for (const [request_id, settle] of [...waiting]) {
      if (!request_id.startsWith('perm-')) continue
      waiting.delete(request_id)
      out({ type: 'control_cancel_request', request_id })
      settle({ behavior: 'interrupted' })
    }
    return out({ type: 'control_response', response: { subtype: 'success', request_id: msg.request_id, response: { still_queued: [] } } })
  }
  if (msg.type === 'control_response') {
    const r = msg.response ?? {}
    waiting.get(r.request_id)?.(r.subtype === 'error' ? r : (r.response ?? {}))
    waiting.delete(r.request_id)
    return
  }
  if (msg.type === 'user') {
    const text = msg.message.content.map((c) => c.text ?? '').join('')
    turns = turns.then(() => turn(text))
  }
}
