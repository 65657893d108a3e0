import type { ServerResponse } from 'node:http'
import type { Conversation, Decision } from './scenario'
import { FAKE_USAGE } from './scenario'
import { sleep, startSse, writeSse, type LlmProtocol, type LlmRequest } from './server'

/**
 * OpenAI Chat Completions (POST /v1/chat/completions), as pi's `openai-completions` API sends it:
 * `messages` with system/user/assistant(tool_calls)/tool roles, `tools` as functions, `stream:true`
 * with `stream_options.include_usage`. Answers with `chat.completion.chunk` SSE events and `[DONE]`.
 */

type ChatMessage = { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string }

/** Text of a message's content: a string, or an array of parts of which the text ones count. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
      .join('')
  }
  return ''
}

export function chatConversation(body: { messages?: ChatMessage[]; tools?: Array<{ function?: { name?: string } }> }): Conversation {
  const messages = Array.isArray(body?.messages) ? body.messages : []
  let last = -1
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') {
      last = i
      break
    }
  }
  const earlier = messages
    .slice(0, Math.max(last, 0))
    .map((m) => textOf(m.content))
    .filter(Boolean)
    .join('\n')
  return {
    lastUser: last >= 0 ? textOf(messages[last].content) : '',
    toolResults: messages.slice(last + 1).filter((m) => m.role === 'tool').map((m) => textOf(m.content)),
    tools: (body?.tools ?? []).map((t) => t.function?.name).filter((n): n is string => typeof n === 'string'),
    earlier,
  }
}

let responses = 0

export const openaiChat: LlmProtocol = {
  name: 'openai-chat',
  matches: (req: LlmRequest) => req.method === 'POST' && req.path.endsWith('/chat/completions'),
  async handle(req, res, decide) {
    const decision = decide(chatConversation(req.body ?? {}))
    const id = `chatcmpl-fake-${++responses}`
    const model = typeof req.body?.model === 'string' ? req.body.model : 'fake-model'
    if (req.body?.stream === false) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(id, model, decision)))
      return decision
    }
    await stream(res, id, model, decision)
    return decision
  },
}

const usage = () => ({
  prompt_tokens: FAKE_USAGE.input,
  completion_tokens: FAKE_USAGE.output,
  total_tokens: FAKE_USAGE.input + FAKE_USAGE.output,
})

function chunk(id: string, model: string, delta: Record<string, unknown>, finish: string | null = null) {
  return { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, finish_reason: finish }] }
}

async function stream(res: ServerResponse, id: string, model: string, decision: Decision): Promise<void> {
  startSse(res)
  // The client went away (an interrupt aborts the request): stop writing.
  const gone = () => res.destroyed || res.writableEnded
  if (decision.type === 'text') {
    writeSse(res, chunk(id, model, { role: 'assistant', content: '' }))
    for (const [i, piece] of decision.chunks.entries()) {
      if (i > 0 && decision.delayMs) await sleep(decision.delayMs)
      if (gone()) return
      writeSse(res, chunk(id, model, { content: piece }))
    }
    writeSse(res, chunk(id, model, {}, 'stop'))
  } else {
    const args = JSON.stringify(decision.args)
    writeSse(res, chunk(id, model, { role: 'assistant', content: null, tool_calls: [{ index: 0, id: decision.callId, type: 'function', function: { name: decision.name, arguments: '' } }] }))
    writeSse(res, chunk(id, model, { tool_calls: [{ index: 0, function: { arguments: args } }] }))
    writeSse(res, chunk(id, model, {}, 'tool_calls'))
  }
  if (gone()) return
  writeSse(res, { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [], usage: usage() })
  writeSse(res, '[DONE]')
  res.end()
}

function completion(id: string, model: string, decision: Decision) {
  const message =
    decision.type === 'text'
      ? { role: 'assistant', content: decision.chunks.join('') }
      : { role: 'assistant', content: null, tool_calls: [{ id: decision.callId, type: 'function', function: { name: decision.name, arguments: JSON.stringify(decision.args) } }] }
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: decision.type === 'text' ? 'stop' : 'tool_calls' }],
    usage: usage(),
  }
}
