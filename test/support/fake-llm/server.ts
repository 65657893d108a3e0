import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { anthropicMessages } from './anthropic'
import { gemini } from './gemini'
import { openaiChat } from './openai-chat'
import { openaiResponses } from './openai-responses'
import { decide, type Conversation, type Decision } from './scenario'

export interface LlmRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: any
}

/** One wire API: recognises its requests and answers them with the scenario's decision. */
export interface LlmProtocol {
  name: string
  matches(req: LlmRequest): boolean
  /** Writes the whole response; returns what was decided (undefined for auxiliary requests). */
  handle(req: LlmRequest, res: ServerResponse, decide: (c: Conversation) => Decision): Promise<Decision | undefined>
}

export interface RecordedRequest {
  protocol: string
  path: string
  body: any
  decision?: Decision
}

export interface FakeLlm {
  /** e.g. http://127.0.0.1:PORT (no trailing slash, no /v1). */
  url: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

const PROTOCOLS: LlmProtocol[] = [openaiResponses, openaiChat, anthropicMessages, gemini]

/** A scripted model server on 127.0.0.1 that speaks the wire APIs the real agent CLIs use. */
export async function startFakeLlm(): Promise<FakeLlm> {
  const requests: RecordedRequest[] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    let body: any
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined
    } catch {
      body = Buffer.concat(chunks).toString('utf8')
    }
    const request: LlmRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body }
    const protocol = PROTOCOLS.find((p) => p.matches(request))
    if (!protocol) {
      requests.push({ protocol: 'unknown', path: url.pathname, body })
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `fake-llm: no route for ${req.method} ${url.pathname}` } }))
      return
    }
    const record: RecordedRequest = { protocol: protocol.name, path: url.pathname, body }
    requests.push(record)
    try {
      record.decision = await protocol.handle(request, res, decide)
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: `fake-llm: ${(err as Error).message}` } }))
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Starts a server-sent-events response. */
export function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
}

/** One SSE event; `event` omitted for APIs that only send `data:` lines. */
export function writeSse(res: ServerResponse, data: unknown, event?: string): void {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)
}
