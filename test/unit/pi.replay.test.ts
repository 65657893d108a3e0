/** The pi adapter's protocol translation, fed the real CLI's recorded stdout (protocols/transcripts). */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { translatePi } from '../../src/main/core/agents/pi'
import type { LaneEventBody } from '../../src/shared/events'
import { ofType, turns } from '../support/lane-events'

const TRANSCRIPTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/transcripts')

/** Every value pi wrote to stdout (`<<` lines) in a recorded session. */
function recorded(name: string): unknown[] {
  return readFileSync(path.join(TRANSCRIPTS, name), 'utf8')
    .split('\n')
    .map((line) => /^\[\s*\d+ms\] << (.*)$/.exec(line)?.[1])
    .filter((json): json is string => json !== undefined)
    .map((json) => JSON.parse(json))
}

const text = (events: LaneEventBody[]) => ofType(events, 'text.delta').map((e) => e.text).join('')

describe('pi rpc replay (real recorded traffic)', () => {
  const events = translatePi(recorded('pi-rpc-1.io.log'))
  const [hello, tool, aborted, after] = turns(events)

  it('sees four turns: a text reply, a tool call, an aborted one, and one after the abort', () => {
    expect(ofType(events, 'turn.completed').map((e) => e.outcome)).toEqual(['completed', 'completed', 'interrupted', 'completed'])
    expect(ofType(events, 'error')).toEqual([])
  })

  it('streams the text reply and completes the message', () => {
    expect(ofType(hello, 'text.delta').map((e) => e.text)).toEqual(['MOCK_TEXT_OK: hello from ', 'harness'])
    expect(ofType(hello, 'message')).toMatchObject([{ role: 'assistant', text: 'MOCK_TEXT_OK: hello from harness' }])
    expect(ofType(hello, 'usage')).toEqual([{ type: 'usage', turn: { inputTokens: 621, outputTokens: 10, cachedInputTokens: 0, costUsd: 0 } }])
  })

  it('reports the bash tool call with its command, streamed output and exit code', () => {
    expect(ofType(tool, 'tool.started')).toEqual([
      {
        type: 'tool.started',
        toolCallId: 'call_mock_2',
        toolKind: 'execute',
        title: 'echo harness-ok > proof.txt && cat proof.txt',
        command: 'echo harness-ok > proof.txt && cat proof.txt',
      },
    ])
    expect(ofType(tool, 'tool.updated').map((e) => e.output)).toEqual(['', 'harness-ok\n'])
    expect(ofType(tool, 'tool.completed')).toMatchObject([{ toolCallId: 'call_mock_2', status: 'completed', exitCode: 0, output: 'harness-ok\n' }])
    expect(text(tool)).toBe('MOCK_TOOL_DONE (1 tool results)\nharness-ok\n')
    // Usage adds up both model calls of the turn (the tool call and the answer).
    expect(ofType(tool, 'usage')).toMatchObject([{ turn: { inputTokens: 663 + 729, outputTokens: 20 } }])
  })

  it('an abort ends the turn as interrupted, keeping what was said so far', () => {
    expect(text(aborted)).toBe('MOCK_TEXT_OK: tell me ')
    expect(ofType(aborted, 'message')).toMatchObject([{ text: 'MOCK_TEXT_OK: tell me ' }])
    expect(ofType(aborted, 'usage')).toEqual([]) // nothing was counted
    expect(ofType(aborted, 'turn.completed')).toMatchObject([{ outcome: 'interrupted' }])
    expect(text(after)).toBe('MOCK_TEXT_OK: are you still there')
  })

  it('gives each assistant message its own id, shared by its deltas and its message', () => {
    const ids = ofType(events, 'message').map((e) => e.messageId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const m of ofType(hello, 'message')) expect(ofType(hello, 'text.delta').every((d) => d.messageId === m.messageId)).toBe(true)
  })

  it('the resumed process answers in one turn', () => {
    const resumed = translatePi(recorded('pi-rpc-2-resume.io.log'))
    expect(ofType(resumed, 'turn.completed')).toMatchObject([{ outcome: 'completed' }])
    expect(text(resumed)).toBe('MOCK_TEXT_OK: after resume')
  })

  it.each(['anthropic-messages', 'google-generative-ai', 'openai-responses'])('the same events come from pi on the %s API', (api) => {
    const other = translatePi(recorded(`pi-rpc-${api}.io.log`))
    expect(ofType(other, 'turn.completed').map((e) => e.outcome)).toEqual(['completed', 'completed'])
    expect(text(turns(other)[0])).toBe(`MOCK_TEXT_OK: hello via ${api}`)
    expect(ofType(other, 'tool.completed')).toMatchObject([{ toolKind: 'execute', status: 'completed', exitCode: 0, output: `${api}-ok\n` }])
    expect(ofType(other, 'error')).toEqual([])
  })
})
