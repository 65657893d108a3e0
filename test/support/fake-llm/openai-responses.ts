/**
 * The OpenAI Responses API (POST …/responses, SSE), as Codex (wire_api = "responses") and pi's
 * `openai-responses` provider call it. Request shapes: codex.requests.jsonl / pi.requests.jsonl.
 */
import type { ServerResponse } from 'node:http'
import type { Conversation, Decision } from './scenario'
import { FAKE_USAGE } from './scenario'
import { sleep, startSse, writeSse, type LlmProtocol, type LlmRequest } from './server'

type Item = Record<string, any>

/** Text of a message's content: a string, or parts with `text` (input_text, output_text …). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((p) => (typeof p === 'string' ? p : typeof p?.text === 'string' ? p.text : '')).join('')
}

// Codex adds user-role context blocks (<environment_context>, <turn_aborted> …): not the user's prompt.
const SYNTHETIC = /^\s*<([a-z_]+)[^>]*>[\s\S]*<\/\1>\s*$/

const isUser = (it: Item) => it?.role === 'user' && (it.type === undefined || it.type === 'message')

/** A call to a namespaced function names its namespace apart. */
const callName = (name: string) => {
  const dot = name.indexOf('.')
  return dot < 0 ? { name } : { namespace: name.slice(0, dot), name: name.slice(dot + 1) }
}

export function conversationOf(body: any): Conversation {
  const input: Item[] = typeof body?.input === 'string' ? [{ role: 'user', content: body.input }] : Array.isArray(body?.input) ? body.input : []
  let last = -1
  for (let i = input.length - 1; i >= 0 && last < 0; i--) if (isUser(input[i]) && !SYNTHETIC.test(textOf(input[i].content))) last = i
  if (last < 0) for (let i = input.length - 1; i >= 0 && last < 0; i--) if (isUser(input[i])) last = i
  const earlier = [typeof body?.instructions === 'string' ? body.instructions : '']
  for (const it of input.slice(0, Math.max(last, 0))) {
    if (it.content !== undefined) earlier.push(textOf(it.content))
    else if (it.type === 'function_call') earlier.push(String(it.arguments ?? ''))
    else if (it.type === 'function_call_output' || it.type === 'custom_tool_call_output') earlier.push(textOf(it.output))
  }
  const toolResults = input
    .slice(last + 1)
    .filter((it) => it.type === 'function_call_output' || it.type === 'custom_tool_call_output')
    .map((it) => textOf(it.output))
  // A namespace (how codex offers an MCP server's tools) lists its functions as `<namespace>.<name>`.
  const tools = (Array.isArray(body?.tools) ? body.tools : [])
    .flatMap((t: any) => (t?.type === 'namespace' && Array.isArray(t.tools) ? t.tools.map((f: any) => `${t.name}.${f?.name}`) : [t?.name ?? t?.function?.name]))
    .filter((n: unknown): n is string => typeof n === 'string')
  return { lastUser: last >= 0 ? textOf(input[last].content) : '', toolResults, tools, earlier: earlier.join('\n') }
}

let responses = 0

/** Streams `decision` as Responses API events; stops quietly when the client hangs up (an interrupt). */
async function stream(res: ServerResponse, model: string, decision: Decision): Promise<void> {
  const n = ++responses
  let closed = false
  res.on('close', () => (closed = true))
  let seq = 0
  const send = (type: string, fields: Record<string, unknown>) => {
    if (!closed) writeSse(res, { type, sequence_number: seq++, ...fields }, type)
  }
  const response = { id: `resp_fake_${n}`, object: 'response', created_at: Math.floor(Date.now() / 1000), model, status: 'in_progress', output: [] as Item[] }
  startSse(res)
  send('response.created', { response })
  send('response.in_progress', { response })

  let item: Item
  if (decision.type === 'text') {
    const id = `msg_fake_${n}`
    send('response.output_item.added', { output_index: 0, item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } })
    send('response.content_part.added', { item_id: id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } })
    let text = ''
    for (const chunk of decision.chunks) {
      if (closed) return
      if (decision.delayMs) await sleep(decision.delayMs)
      text += chunk
      send('response.output_text.delta', { item_id: id, output_index: 0, content_index: 0, delta: chunk, logprobs: [] })
    }
    const part = { type: 'output_text', text, annotations: [] }
    send('response.output_text.done', { item_id: id, output_index: 0, content_index: 0, text, logprobs: [] })
    send('response.content_part.done', { item_id: id, output_index: 0, content_index: 0, part })
    item = { id, type: 'message', status: 'completed', role: 'assistant', content: [part] }
  } else {
    const id = `fc_fake_${n}`
    const args = JSON.stringify(decision.args)
    send('response.output_item.added', { output_index: 0, item: { id, type: 'function_call', status: 'in_progress', ...callName(decision.name), call_id: decision.callId, arguments: '' } })
    send('response.function_call_arguments.delta', { item_id: id, output_index: 0, delta: args })
    send('response.function_call_arguments.done', { item_id: id, output_index: 0, arguments: args })
    item = { id, type: 'function_call', status: 'completed', ...callName(decision.name), call_id: decision.callId, arguments: args }
  }
  send('response.output_item.done', { output_index: 0, item })
  const usage = {
    input_tokens: FAKE_USAGE.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: FAKE_USAGE.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: FAKE_USAGE.input + FAKE_USAGE.output,
  }
  send('response.completed', { response: { ...response, status: 'completed', output: [item], usage } })
  if (!closed) res.end()
}

export const openaiResponses: LlmProtocol = {
  name: 'openai-responses',
  matches: (req: LlmRequest) => req.method === 'POST' && /\/responses$/.test(req.path),
  handle: async (req, res, decide) => {
    const decision = decide(conversationOf(req.body))
    if (req.body?.stream === false) {
      // Nobody we drive asks without streaming, but answer sensibly if one does.
      const text = decision.type === 'text' ? decision.chunks.join('') : ''
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'resp_fake', object: 'response', status: 'completed', model: req.body?.model,
          output: decision.type === 'text'
            ? [{ id: 'msg_fake', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }]
            : [{ id: 'fc_fake', type: 'function_call', status: 'completed', ...callName(decision.name), call_id: decision.callId, arguments: JSON.stringify(decision.args) }],
          usage: { input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output, total_tokens: FAKE_USAGE.input + FAKE_USAGE.output },
        }),
      )
      return decision
    }
    await stream(res, String(req.body?.model ?? 'fake-model'), decision)
    return decision
  },
}
