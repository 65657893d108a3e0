import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { countUtf8, methods, streams, Lane, MAX_INPUT_BYTES, type MethodName } from '../../src/shared/contract'
import { AppError } from '../../src/main/core/errors'
import { Router, type Handlers, type StreamSources } from '../../src/main/rpc/router'

function recordingRouter() {
  const called: string[] = []
  const handlers = Object.fromEntries(
    Object.keys(methods).map((m) => [m, () => (called.push(m), { ok: true })]),
  ) as unknown as Handlers
  const sources = Object.fromEntries(Object.keys(streams).map((s) => [s, () => (called.push(s), () => {})])) as unknown as StreamSources
  return { router: new Router(handlers, sources), called }
}

describe('router', () => {
  const invalidInputs: unknown[] = [42, 'text', [], { unexpected: true, laneId: 5 }]

  for (const method of Object.keys(methods) as MethodName[]) {
    it(`refuses invalid input to ${method} without running it`, async () => {
      const { router, called } = recordingRouter()
      for (const input of invalidInputs) {
        const result = await router.call(method, input)
        expect(result.ok).toBe(false)
        if (!result.ok) {
          expect(result.error.code).toBe('invalid_input')
          expect(Array.isArray(result.error.details)).toBe(true)
          expect((result.error.details as unknown[]).length).toBeGreaterThan(0)
        }
      }
      expect(called).toEqual([])
    })
  }

  it('refuses invalid stream input and unknown names', async () => {
    const { router, called } = recordingRouter()
    expect(router.subscribe('lanes.events', { laneId: 'has spaces!' }, () => {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(router.subscribe('lanes.events', { skipFloods: 'yes' }, () => {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(router.subscribe('lanes.status', 7, () => {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(router.subscribe('nope', {}, () => {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    expect(await router.call('constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    expect(await router.call('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    expect(called).toEqual([])
  })

  it('passes the parsed input (with defaults) and wraps results', async () => {
    let seen: unknown
    const { router } = recordingRouter()
    ;(router as any).handlers['profiles.create'] = (input: unknown) => ((seen = input), { id: 'x' })
    const result = await router.call('profiles.create', { kind: 'terminal', name: '  padded  ' })
    expect(result).toEqual({ ok: true, value: { id: 'x' } })
    expect(seen).toEqual({ kind: 'terminal', name: 'padded', command: '', args: [], env: {}, idleTimeoutMs: 1_800_000, approvalPolicy: 'ask' })
  })

  it('turns handler failures into structured errors and never rejects', async () => {
    const { router } = recordingRouter()
    ;(router as any).handlers['lanes.stop'] = () => {
      throw new AppError('not_found', 'No lane lane_x', { laneId: 'lane_x' })
    }
    ;(router as any).handlers['lanes.interrupt'] = async () => {
      throw new TypeError('boom')
    }
    expect(await router.call('lanes.stop', { laneId: 'lane_x' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No lane lane_x', details: { laneId: 'lane_x' } },
    })
    expect(await router.call('lanes.interrupt', { laneId: 'lane_x' })).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } })
  })

  it('the contract describes its outputs (a lane record parses)', () => {
    const lane = { id: 'lane_1', workspaceId: 'ws_1', profileId: 'shell', kind: 'terminal', title: 't', status: 'ready', createdAt: 1, lastActivityAt: 1, cols: 80, rows: 24 }
    expect(Lane.parse(lane)).toEqual(lane)
    expect(() => methods['lanes.list'].output.parse([{ ...lane, status: 'bogus' }])).toThrow(z.ZodError)
  })
})

describe('message sizes', () => {
  it("the browser's UTF-8 count agrees with Node's, surrogates included", () => {
    for (const s of ['', 'plain', 'grüße', '€uro', '😀 and 👩‍👩‍👧', 'lone \ud800 high', 'lone \udc00 low', '\ud800', 'end \ud83d']) {
      expect(countUtf8(s), JSON.stringify(s)).toBe(Buffer.byteLength(s, 'utf8'))
    }
  })
  it('an input too large for one message is refused before validation, over any transport', async () => {
    const router = new Router({} as never, {} as never)
    const r = await router.call('app.info', { pad: 'x'.repeat(MAX_INPUT_BYTES) })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { max: MAX_INPUT_BYTES } } })
  })
})
