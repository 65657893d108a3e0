import type { ServerResponse } from 'node:http'
import type { Conversation, Decision } from './scenario'
import { FAKE_USAGE } from './scenario'
import { sleep, startSse, writeSse, type LlmProtocol, type LlmRequest } from './server'

/**
 * The Gemini API as Gemini CLI calls it (see transcripts/gemini.requests.jsonl):
 *   POST /v1beta/models/<model>:streamGenerateContent?alt=sse   the chat turn (SSE of GenerateContentResponse)
 *   POST /v1beta/models/<model>:generateContent                 auxiliary JSON calls (the model router's
 *                                                                complexity classifier, next-speaker checks …)
 *   POST /v1beta/models/<model>:countTokens
 */

const ROUTE = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(streamGenerateContent|generateContent|countTokens)$/

interface Part {
  text?: string
  thought?: boolean
  functionCall?: { name: string; args?: unknown; id?: string }
  functionResponse?: { name: string; response?: Record<string, unknown>; id?: string }
}
interface Content {
  role?: string
  parts?: Part[]
}

/** Gemini CLI sends its `<session_context>` (date, OS, folder listing) as the first part of the first user message. */
const isContext = (p: Part) => typeof p.text === 'string' && p.text.startsWith('<session_context>')

const textOf = (c: Content | undefined, withContext = true) =>
  (c?.parts ?? [])
    .filter((p) => typeof p.text === 'string' && !p.thought && (withContext || !isContext(p)))
    .map((p) => p.text)
    .join('')

/** The newest user message is the newest `user` content with text (function responses also travel as `user`). */
export function conversationOf(body: any): Conversation {
  const contents: Content[] = Array.isArray(body?.contents) ? body.contents : []
  let last = -1
  for (let i = contents.length - 1; i >= 0; i--) {
    if (contents[i].role !== 'model' && textOf(contents[i], false).trim()) {
      last = i
      break
    }
  }
  const toolResults: string[] = []
  for (const c of contents.slice(last + 1)) {
    for (const p of c.parts ?? []) {
      if (!p.functionResponse) continue
      const r = p.functionResponse.response ?? {}
      const value = r.output ?? r.error ?? r
      toolResults.push(typeof value === 'string' ? value : JSON.stringify(value))
    }
  }
  const tools: string[] = []
  for (const t of body?.tools ?? []) for (const f of t.functionDeclarations ?? []) tools.push(f.name)
  const context = last >= 0 ? (contents[last].parts ?? []).filter(isContext).map((p) => p.text) : []
  const earlier = [textOf(body?.systemInstruction), ...contents.slice(0, Math.max(last, 0)).map((c) => textOf(c)), ...context].join('\n')
  return { lastUser: last >= 0 ? textOf(contents[last], false) : '', toolResults, tools, earlier }
}

const usageMetadata = () => ({
  promptTokenCount: FAKE_USAGE.input,
  candidatesTokenCount: FAKE_USAGE.output,
  totalTokenCount: FAKE_USAGE.input + FAKE_USAGE.output,
})

const chunk = (model: string, parts: Part[], finish?: string) => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...(finish ? { finishReason: finish } : {}) }],
  ...(finish ? { usageMetadata: usageMetadata() } : {}),
  modelVersion: model,
  responseId: 'fake-response',
})

/** A value that satisfies a Gemini/JSON schema: what the CLI's structured side calls parse. */
function fakeFor(schema: any, name = ''): unknown {
  const type = String(schema?.type ?? 'OBJECT').toUpperCase()
  if (Array.isArray(schema?.enum) && schema.enum.length) return name === 'next_speaker' && schema.enum.includes('user') ? 'user' : schema.enum[0]
  switch (type) {
    case 'OBJECT': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(schema?.properties ?? {})) out[k] = fakeFor(v, k)
      return out
    }
    case 'ARRAY':
      return []
    case 'INTEGER':
    case 'NUMBER':
      // e.g. complexity_score (1–100): a low score keeps the router on its default model.
      return Math.max(Number(schema?.minimum ?? 1), 10)
    case 'BOOLEAN':
      return false
    default:
      return name === 'next_speaker' ? 'user' : 'fake'
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

async function streamDecision(res: ServerResponse, model: string, decision: Decision): Promise<void> {
  startSse(res)
  if (decision.type === 'tool') {
    writeSse(res, chunk(model, [{ functionCall: { name: decision.name, args: decision.args } }], 'STOP'))
  } else {
    for (let i = 0; i < decision.chunks.length; i++) {
      if (decision.delayMs && i > 0) await sleep(decision.delayMs)
      if (res.destroyed) return
      const last = i === decision.chunks.length - 1
      writeSse(res, chunk(model, [{ text: decision.chunks[i] }], last ? 'STOP' : undefined))
    }
  }
  res.end()
}

export const gemini: LlmProtocol = {
  name: 'gemini',
  matches: (req: LlmRequest) => req.method === 'POST' && ROUTE.test(req.path),
  handle: async (req, res, decide) => {
    const [, model, action] = ROUTE.exec(req.path)!
    if (action === 'countTokens') {
      json(res, { totalTokens: FAKE_USAGE.input })
      return undefined
    }
    const config = req.body?.generationConfig ?? {}
    const schema = config.responseJsonSchema ?? config.responseSchema
    if (action === 'generateContent' && (schema || config.responseMimeType === 'application/json')) {
      // Auxiliary structured call: answer it without touching the scenario.
      json(res, chunk(model, [{ text: JSON.stringify(fakeFor(schema)) }], 'STOP'))
      return undefined
    }
    const decision = decide(conversationOf(req.body))
    if (action === 'streamGenerateContent') {
      await streamDecision(res, model, decision)
    } else {
      const parts: Part[] =
        decision.type === 'tool' ? [{ functionCall: { name: decision.name, args: decision.args } }] : [{ text: decision.chunks.join('') }]
      json(res, chunk(model, parts, 'STOP'))
    }
    return decision
  },
}
