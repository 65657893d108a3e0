import type { ServerResponse } from 'node:http'
import { FAKE_USAGE, type Conversation, type Decision } from './scenario'
import { sleep, startSse, writeSse, type LlmProtocol, type LlmRequest } from './server'

/**
 * The Anthropic Messages API (POST /v1/messages, SSE when `stream: true`), as Claude Code 2.1.x
 * calls it (`?beta=true`), plus the auxiliary routes it may touch: count_tokens and the model list.
 */

type Block = { type: string; text?: string; content?: unknown; name?: string }
type Message = { role: string; content: string | Block[] }

// Texts the CLI itself adds to a user message: not what the user typed.
const CLI_NOTES = [/^\s*<system-reminder>/, /^\s*\[Request interrupted by user/]

function texts(content: Message['content']): string[] {
  if (typeof content === 'string') return [content]
  return content.filter((b) => b.type === 'text' && typeof b.text === 'string').map((b) => b.text!)
}

function toolResultText(block: Block): string {
  const c = block.content
  if (typeof c === 'string') return c
  if (Array.isArray(c)) return c.map((p: Block) => (p.type === 'text' ? (p.text ?? '') : '')).join('')
  return ''
}

export function conversationOf(body: any): Conversation {
  const messages: Message[] = Array.isArray(body?.messages) ? body.messages : []
  const isUserText = (m: Message) => m.role === 'user' && texts(m.content).some((t) => !CLI_NOTES.some((n) => n.test(t)))
  let last = -1
  for (let i = messages.length - 1; i >= 0; i--) {
    if (isUserText(messages[i])) {
      last = i
      break
    }
  }
  const system = typeof body?.system === 'string' ? [body.system] : Array.isArray(body?.system) ? texts(body.system) : []
  const earlier = [...system, ...messages.slice(0, Math.max(last, 0)).flatMap((m) => texts(m.content))]
  const toolResults = messages
    .slice(last + 1)
    .flatMap((m) => (typeof m.content === 'string' ? [] : m.content.filter((b) => b.type === 'tool_result').map(toolResultText)))
  return {
    lastUser: last >= 0 ? texts(messages[last].content).filter((t) => !CLI_NOTES.some((n) => n.test(t))).join('\n') : '',
    toolResults,
    tools: Array.isArray(body?.tools) ? body.tools.map((t: { name?: string }) => t.name).filter(Boolean) : [],
    earlier: earlier.join('\n'),
  }
}

let messages = 0

async function stream(res: ServerResponse, model: string, decision: Decision): Promise<void> {
  const id = `msg_fake_${++messages}`
  let closed = false
  res.on('close', () => (closed = true))
  startSse(res)
  const send = (type: string, data: Record<string, unknown>) => writeSse(res, { type, ...data }, type)
  send('message_start', {
    message: {
      id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: FAKE_USAGE.input, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  })
  if (decision.type === 'text') {
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
    for (const [i, chunk] of decision.chunks.entries()) {
      if (closed) return // the agent aborted the request (interrupt)
      if (i > 0 && decision.delayMs) await sleep(decision.delayMs)
      if (closed) return
      send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: chunk } })
    }
  } else {
    send('content_block_start', { index: 0, content_block: { type: 'tool_use', id: decision.callId, name: decision.name, input: {} } })
    send('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(decision.args) } })
  }
  send('content_block_stop', { index: 0 })
  send('message_delta', {
    delta: { stop_reason: decision.type === 'tool' ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: FAKE_USAGE.output },
  })
  send('message_stop', {})
  res.end()
}

function whole(res: ServerResponse, model: string, decision: Decision): void {
  const content =
    decision.type === 'text'
      ? [{ type: 'text', text: decision.chunks.join('') }]
      : [{ type: 'tool_use', id: decision.callId, name: decision.name, input: decision.args }]
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      id: `msg_fake_${++messages}`, type: 'message', role: 'assistant', model, content,
      stop_reason: decision.type === 'tool' ? 'tool_use' : 'end_turn', stop_sequence: null,
      usage: { input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    }),
  )
}

const json = (res: ServerResponse, body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))

export const anthropicMessages: LlmProtocol = {
  name: 'anthropic',
  // The model list path is shared with OpenAI's API: only claim it for Anthropic clients.
  matches: (req: LlmRequest) =>
    /^\/v1\/messages(\/count_tokens)?$/.test(req.path) || (/^\/v1\/models(\/.*)?$/.test(req.path) && 'anthropic-version' in req.headers),
  async handle(req, res, decide) {
    if (req.path === '/v1/messages/count_tokens') {
      json(res, { input_tokens: FAKE_USAGE.input })
      return undefined
    }
    if (req.path.startsWith('/v1/models')) {
      const model = { type: 'model', id: 'claude-fake-1', display_name: 'Fake Claude', created_at: '2026-01-01T00:00:00Z' }
      json(res, req.path === '/v1/models' ? { data: [model], has_more: false, first_id: model.id, last_id: model.id } : model)
      return undefined
    }
    const model = typeof req.body?.model === 'string' ? req.body.model : 'claude-fake-1'
    const decision = decide(conversationOf(req.body))
    if (req.body?.stream) await stream(res, model, decision)
    else whole(res, model, decision)
    return decision
  },
}
