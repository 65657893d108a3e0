// A fake `codex app-server`: the same JSON-RPC (no "jsonrpc" field) and message shapes as the real
// 0.169.0 (transcripts/codex-app-server-*.io.log), scripted by the prompt, for the error paths a real
// model cannot be made to walk. Ignores its arguments ("app-server", -c …).
//
// Prompts: default echo ("ECHO: <prompt>"); "REMEMBER:<w>" / "RECALL" (history kept in $CODEX_HOME);
// "crash" (exits 3 mid-turn); "garbage" (malformed line); "huge:<n>" (an n-char delta); "unknown"
// (notifications nobody knows, then echo); "approve" / "read" (a command that asks first; "approve" then
// writes approved.txt); "approve-exit" (exits while asking); "withdraw" (asks, then settles it itself);
// "slow" (ticks until interrupted or steered); "fail" (the turn fails); "stubborn" (ignores EOF and
// SIGTERM, with a grandchild); "stream n=<deltas> rate=<per s> phase=<ms> tools=<every n>" (a long
// markdown reply at a steady rate, each delta stamped "(<n>/<Date.now()>)" for latency benchmarks, with
// a command and a usage update every `tools` deltas; rate=0 sends it all at once).
// Every message received is appended to $CODEX_HOME/fake-codex.log (JSONL) for tests to inspect.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import './tool-child.mjs'

const home = process.env.CODEX_HOME ?? process.cwd()
const threadsFile = path.join(home, 'fake-threads.json')
const logFile = path.join(home, 'fake-codex.log')
const threads = existsSync(threadsFile) ? JSON.parse(readFileSync(threadsFile, 'utf8')) : {}
const saveThreads = () => writeFileSync(threadsFile, JSON.stringify(threads))

const out = (v) => process.stdout.write(JSON.stringify(v) + '\n')
const notify = (method, params) => out({ method, params, emittedAtMs: Date.now() })
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

let initialized = false
let experimental = false
let stubborn = false
let nextServerId = 0
const waiting = new Map() // server request id → resolve
let turn // { id, threadId, interrupted, steer: [] , onInterrupt }
let total = { totalTokens: 0, inputTokens: 0, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0 }

process.stderr.write('WARNING: proceeding, even though we could not create PATH aliases (fake)\n')
process.on('SIGTERM', () => {
  if (!stubborn) process.exit(143)
})

let buf = ''
process.stdin.on('data', (d) => {
  buf += d
  let i
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i)
    buf = buf.slice(i + 1)
    if (line.trim()) receive(line)
  }
})
process.stdin.on('end', () => {
  if (!stubborn) process.exit(0)
})

function receive(line) {
  appendFileSync(logFile, line + '\n')
  const msg = JSON.parse(line)
  if ('jsonrpc' in msg) return out({ id: msg.id ?? null, error: { code: -32600, message: 'unexpected "jsonrpc" field' } })
  if (msg.method === undefined) {
    const resolve = waiting.get(msg.id)
    waiting.delete(msg.id)
    return resolve?.(msg.result)
  }
  if (msg.id === undefined) return // notifications: initialized
  const ok = (result) => out({ id: msg.id, result })
  const fail = (message, code = -32600) => out({ error: { code, message }, id: msg.id })
  if (msg.method !== 'initialize' && !initialized) return fail('Not initialized')
  const p = msg.params ?? {}
  switch (msg.method) {
    case 'initialize':
      if (!p.clientInfo?.name) return fail('Invalid request: missing field `clientInfo`')
      initialized = true
      experimental = p.capabilities?.experimentalApi === true
      return ok({ userAgent: `${p.clientInfo.name}/0.169.0 (fake)`, codexHome: home, platformFamily: 'unix', platformOs: 'linux' })
    case 'thread/start': {
      const id = randomUUID()
      threads[id] = { cwd: p.cwd, history: [] }
      saveThreads()
      const thread = threadObject(id, p.cwd)
      ok({ thread, model: 'fake-model', modelProvider: 'fake', cwd: p.cwd, approvalPolicy: p.approvalPolicy ?? 'never', sandbox: { type: 'workspaceWrite' } })
      return notify('thread/started', { thread })
    }
    case 'thread/resume': {
      const t = threads[p.threadId]
      if (!t) return fail(`no rollout found for thread id ${p.threadId}`)
      notify('thread/status/changed', { threadId: p.threadId, status: { type: 'idle' } })
      ok({ thread: threadObject(p.threadId, t.cwd), model: 'fake-model', cwd: t.cwd, approvalPolicy: p.approvalPolicy ?? 'never' })
      // Like the real one: the thread's old usage, under its last turn's id.
      return notify('thread/tokenUsage/updated', { threadId: p.threadId, turnId: 'old-turn', tokenUsage: { total, last: total, modelContextWindow: 258400 } })
    }
    case 'turn/start': {
      if (!threads[p.threadId]) return fail(`thread not found: ${p.threadId}`)
      const id = randomUUID()
      ok({ turn: { id, items: [], itemsView: 'notLoaded', status: 'inProgress', error: null } })
      const text = (p.input ?? []).map((i) => i.text ?? '').join('')
      void runTurn(id, p.threadId, text)
      return
    }
    // As codex 0.169 (two pages here, and a hidden model the picker leaves out).
    case 'model/list':
      return p.cursor === 'page2'
        ? ok({ data: [{ id: 'fake-mini', model: 'fake-mini', displayName: 'Fake Mini', description: 'Small', hidden: false }], nextCursor: null })
        : ok({
            data: [
              { id: 'fake-model', model: 'fake-model', displayName: 'Fake Model', description: 'The default', hidden: false, isDefault: true },
              { id: 'fake-hidden', model: 'fake-hidden', displayName: 'Hidden', description: '', hidden: true },
            ],
            nextCursor: 'page2',
          })
    // As codex 0.169: behind the experimental API; turn/start then takes a `collaborationMode`.
    case 'collaborationMode/list':
      if (!experimental) return fail('collaborationMode/list requires the experimentalApi capability')
      return ok({ data: [{ name: 'Plan', mode: 'plan', model: null, reasoning_effort: 'medium' }, { name: 'Default', mode: 'default', model: null, reasoning_effort: null }] })
    case 'turn/steer': {
      if (!turn || turn.id !== p.expectedTurnId) return fail('no active turn to steer')
      ok({ turnId: turn.id })
      return turn.steer.push((p.input ?? []).map((i) => i.text ?? '').join(''))
    }
    case 'turn/interrupt': {
      if (!turn || turn.id !== p.turnId) return fail('no active turn')
      turn.interrupted = true
      turn.onInterrupt?.()
      return ok({})
    }
    default:
      return fail(`Invalid request: unknown variant \`${msg.method}\``, -32601)
  }
}

const STREAM_WORDS =
  'the retry helper gives up one attempt too early because the loop compares before it increments so with three retries only three calls happen in total and the tests never notice since they mock the clock'.split(' ')

/** Delta n of a streamed reply: a few words, now and then code, bold, a paragraph or a list item; its stamp last. */
function streamDelta(n, random) {
  const word = () => STREAM_WORDS[Math.floor(random() * STREAM_WORDS.length)]
  let text = ''
  const count = 2 + Math.floor(random() * 4)
  for (let w = 0; w < count; w++) text += ` ${word()}`
  if (n % 7 === 0) text += ` \`${word()}()\``
  if (n % 11 === 0) text += ` **${word()}**`
  text += ` (${n}/${Date.now()})`
  if (n % 23 === 0) text += '\n\n'
  else if (n % 17 === 0) text += '\n- '
  return text
}

/**
 * The "stream" prompt: n deltas at `rate` a second from `phase` ms on; a late timer catches up (a model
 * does not wait for its reader). Every `tools` deltas the message ends, a command runs, the usage
 * changes and a new message begins. Steering or interrupting stops it.
 */
async function stream(prompt, base, say) {
  const opt = (name, fallback) => Number(new RegExp(`\\b${name}=(\\d+(?:\\.\\d+)?)`).exec(prompt)?.[1] ?? fallback)
  const count = opt('n', 240)
  const rate = opt('rate', 30)
  const tools = opt('tools', 90)
  const period = rate > 0 ? 1000 / rate : 0
  let rnd = 42
  const random = () => (rnd = (rnd * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  const t0 = Date.now() + opt('phase', 0)
  let item
  let text = ''
  const open = () => {
    item = { type: 'agentMessage', id: `msg_${randomUUID().slice(0, 8)}`, text: '', phase: null }
    text = ''
    notify('item/started', { item, ...base })
  }
  const close = () => notify('item/completed', { item: { ...item, text }, ...base })
  if (period > 0) await sleep(Math.max(0, t0 - Date.now()))
  open()
  for (let n = 1; n <= count; n++) {
    if (turn.interrupted || turn.steer.length > 0) break
    if (period > 0) {
      const wait = t0 + n * period - Date.now()
      if (wait > 0) await sleep(wait)
    }
    const delta = streamDelta(n, random)
    text += delta
    notify('item/agentMessage/delta', { ...base, itemId: item.id, delta })
    if (tools > 0 && n % tools === Math.floor(tools / 2) && n < count) {
      close()
      const output = Array.from({ length: 20 }, (_, l) => ` ✓ retry › case ${l} (${l + 2} ms)`).join('\n')
      const call = { type: 'commandExecution', id: `call_${randomUUID().slice(0, 8)}`, command: "/bin/bash -lc 'npm test -- retry'", cwd: process.cwd(), processId: null, source: 'agent', status: 'inProgress', commandActions: [{ type: 'unknown', command: 'npm test -- retry' }], aggregatedOutput: null, exitCode: null, durationMs: null }
      notify('item/started', { item: call, ...base })
      notify('item/commandExecution/outputDelta', { ...base, itemId: call.id, delta: output })
      notify('item/completed', { item: { ...call, status: 'completed', aggregatedOutput: output, exitCode: 0, durationMs: 200 }, ...base })
      const last = { totalTokens: 1500, inputTokens: 1200, cachedInputTokens: 200, cacheWriteInputTokens: 0, outputTokens: 300, reasoningOutputTokens: 0 }
      total = Object.fromEntries(Object.entries(total).map(([k, v]) => [k, v + last[k]]))
      notify('thread/tokenUsage/updated', { ...base, tokenUsage: { total, last, modelContextWindow: 258400 } })
      open()
    }
  }
  close()
  return turn.interrupted ? 'interrupted' : 'completed'
}

function threadObject(id, cwd) {
  return { id, sessionId: id, preview: '', ephemeral: false, modelProvider: 'fake', cwd, cliVersion: '0.169.0', status: { type: 'idle' }, turns: [] }
}

function request(method, params) {
  const id = nextServerId++
  out({ method, id, params })
  return { id, answer: new Promise((resolve) => waiting.set(id, resolve)) }
}

async function runTurn(id, threadId, prompt) {
  turn = { id, threadId, interrupted: false, steer: [] }
  const base = { threadId, turnId: id }
  const history = threads[threadId].history
  notify('thread/status/changed', { threadId, status: { type: 'active', activeFlags: [] } })
  notify('turn/started', { threadId, turn: { id, items: [], status: 'inProgress', error: null } })
  const user = { type: 'userMessage', id: randomUUID(), content: [{ type: 'text', text: prompt, text_elements: [] }] }
  notify('item/started', { item: user, ...base })
  notify('item/completed', { item: user, ...base })
  await sleep(5)
  let status = 'completed'
  let error = null
  const say = async (text, chunks = [text]) => {
    const item = { type: 'agentMessage', id: `msg_${randomUUID().slice(0, 8)}`, text: '', phase: null }
    notify('item/started', { item, ...base })
    for (const delta of chunks) notify('item/agentMessage/delta', { ...base, itemId: item.id, delta })
    notify('item/completed', { item: { ...item, text }, ...base })
  }
  const command = async (cmd, actions, effect) => {
    const item = { type: 'commandExecution', id: `call_${randomUUID().slice(0, 8)}`, command: `/bin/bash -lc '${cmd}'`, cwd: threads[threadId].cwd, processId: null, source: 'agent', status: 'inProgress', commandActions: actions, aggregatedOutput: null, exitCode: null, durationMs: null }
    notify('thread/status/changed', { threadId, status: { type: 'active', activeFlags: ['waitingOnApproval'] } })
    notify('item/started', { item, ...base })
    const amendment = ['/bin/bash', '-lc', cmd]
    const req = request('item/commandExecution/requestApproval', { kind: 'command', ...base, itemId: item.id, environmentId: 'local', command: item.command, cwd: item.cwd, commandActions: actions, proposedExecpolicyAmendment: amendment, availableDecisions: ['accept', { acceptWithExecpolicyAmendment: { execpolicy_amendment: amendment } }, 'cancel'] })
    return { item, req, effect }
  }
  const settle = async ({ item, req, effect }, result) => {
    notify('serverRequest/resolved', { threadId, requestId: req.id })
    const decision = result?.decision
    const accepted = decision === 'accept' || decision?.acceptWithExecpolicyAmendment !== undefined
    if (accepted) {
      const output = effect()
      notify('item/commandExecution/outputDelta', { ...base, itemId: item.id, delta: output })
      notify('item/completed', { item: { ...item, status: 'completed', aggregatedOutput: output, exitCode: 0, durationMs: 1 }, ...base })
      await say(`TOOL_DONE: ${output}`)
      return 'completed'
    }
    notify('item/completed', { item: { ...item, status: 'declined' }, ...base })
    if (decision === 'cancel') return 'interrupted'
    await say('TOOL_DONE: exec_command failed: rejected by user')
    return 'completed'
  }

  const word = /^(\S+)/.exec(prompt)?.[1] ?? ''
  if (word === 'crash') {
    await say('about to crash')
    process.stderr.write('thread main panicked: the model went away\nnote: run with RUST_BACKTRACE=1\n')
    process.exit(3)
  } else if (word === 'garbage') {
    process.stdout.write('{"method":"item/agentMessage/delta","params":{\n')
    return
  } else if (word.startsWith('huge:')) {
    const n = Number(word.slice(5))
    await say('x'.repeat(n))
  } else if (word === 'unknown') {
    notify('brand/new/notification', { threadId, anything: [1, 2, 3] })
    notify('item/started', { item: { type: 'hologram', id: 'h1' }, ...base })
    notify('item/completed', { item: { type: 'hologram', id: 'h1' }, ...base })
    notify('account/rateLimits/updated', { rateLimits: { limitId: 'codex' } })
    await say(`ECHO: ${prompt}`)
  } else if (word === 'approve' || word === 'read') {
    const cmd = word === 'read' ? 'cat notes.txt' : 'echo approved > approved.txt'
    const actions = word === 'read' ? [{ type: 'read', command: cmd, name: 'notes.txt', path: 'notes.txt' }] : [{ type: 'unknown', command: cmd }]
    const ask = await command(cmd, actions, () => {
      if (word === 'approve') writeFileSync(path.join(threads[threadId].cwd, 'approved.txt'), 'approved\n')
      return word === 'read' ? 'notes\n' : 'approved\n'
    })
    turn.onInterrupt = () => waiting.get(ask.req.id)?.({ decision: 'cancel' })
    status = await settle(ask, await ask.req.answer)
  } else if (word === 'approve-exit') {
    await command('rm -rf build', [{ type: 'unknown', command: 'rm -rf build' }], () => '')
    await sleep(50)
    process.stderr.write('fatal: lost the sandbox while waiting for approval\n')
    process.exit(1)
  } else if (word === 'withdraw') {
    const ask = await command('make', [{ type: 'unknown', command: 'make' }], () => '')
    await sleep(30)
    waiting.delete(ask.req.id)
    status = await settle(ask, { decision: 'decline' })
  } else if (word === 'slow') {
    const item = { type: 'agentMessage', id: `msg_${randomUUID().slice(0, 8)}`, text: '', phase: null }
    notify('item/started', { item, ...base })
    let text = ''
    for (let i = 1; i <= 400 && !turn.interrupted && turn.steer.length === 0; i++) {
      text += `tick ${i} `
      notify('item/agentMessage/delta', { ...base, itemId: item.id, delta: `tick ${i} ` })
      await sleep(25)
    }
    if (turn.interrupted) status = 'interrupted'
    else {
      notify('item/completed', { item: { ...item, text }, ...base })
      for (const s of turn.steer) {
        const u = { type: 'userMessage', id: randomUUID(), content: [{ type: 'text', text: s, text_elements: [] }] }
        notify('item/started', { item: u, ...base })
        notify('item/completed', { item: u, ...base })
        history.push(s)
        await say(`STEERED: ${s}`)
      }
    }
  } else if (word === 'stream') {
    status = await stream(prompt, base, say)
  } else if (word === 'fail') {
    notify('error', { error: { message: 'stream disconnected before completion', codexErrorInfo: null, additionalDetails: null }, willRetry: false, ...base })
    status = 'failed'
    error = { message: 'stream disconnected before completion', codexErrorInfo: null, additionalDetails: null }
  } else if (word === 'stubborn') {
    stubborn = true
    const child = spawn('sleep', ['300'], { stdio: 'ignore', detached: true })
    child.unref()
    await say(`STUBBORN: ${child.pid}`)
  } else if (/RECALL/.test(prompt) && !/REMEMBER:/.test(prompt)) {
    const remembered = history.map((h) => /REMEMBER:([\w-]+)/.exec(h)?.[1]).filter(Boolean).pop()
    await say(`RECALLED: ${remembered ?? 'nothing'}`)
  } else {
    const text = `ECHO: ${prompt}`
    await say(text, text.match(/.{1,8}/gs) ?? [text])
  }
  history.push(prompt)
  saveThreads()
  const last = { totalTokens: 150, inputTokens: 120, cachedInputTokens: 20, cacheWriteInputTokens: 0, outputTokens: 30, reasoningOutputTokens: 0 }
  total = Object.fromEntries(Object.entries(total).map(([k, v]) => [k, v + last[k]]))
  if (status !== 'interrupted') notify('thread/tokenUsage/updated', { ...base, tokenUsage: { total, last, modelContextWindow: 258400 } })
  notify('thread/status/changed', { threadId, status: { type: 'idle' } })
  turn = undefined
  notify('turn/completed', { threadId, turn: { id, items: [], status, error } })
}
