// What preparing a Gemini profile costs before each Gemini start: merging its settings and scanning its
// chats folder for unused recordings. `npx vitest bench --run bench/gemini.bench.ts`.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, bench, describe } from 'vitest'
import { prepareGeminiHome } from '../src/main/core/agents/gemini-sessions'

// 1,000 recordings: 400 sessions with a conversation (a few KB to 1 MB), 600 empty (a start's own session).
const home = mkdtempSync(path.join(os.tmpdir(), 'switchyard-gemini-bench-'))
const chats = path.join(home, '.gemini', 'tmp', 'ws', 'chats')
mkdirSync(chats, { recursive: true })
const header = (id: string) => JSON.stringify({ sessionId: id, projectHash: 'p', startTime: '2026-12-04T16:22:31.837Z', lastUpdated: '2026-12-04T16:22:31.837Z', kind: 'main' })
const lanes: string[] = []
for (let i = 0; i < 400; i++) {
  const id = `${String(i).padStart(8, '0')}-lane`
  lanes.push(id)
  const turn = JSON.stringify({ id: `m${i}`, type: 'user', content: [{ text: 'x'.repeat(i % 40 === 0 ? 1_000_000 : 2_000) }] })
  writeFileSync(path.join(chats, `session-2026-12-04T16-22-${id.slice(0, 8)}.jsonl`), `${header(id)}\n${turn}\n`)
}
const young = new Date()
for (let i = 0; i < 600; i++) {
  const file = path.join(chats, `session-2026-12-04T16-23-${String(i).padStart(8, 'e')}.jsonl`)
  writeFileSync(file, `${header(`${String(i).padStart(8, 'e')}-start`)}\n`)
  utimesSync(file, young, young) // young: kept, so every run scans the same 1,000 files
}
afterAll(() => rmSync(home, { recursive: true, force: true }))

describe('gemini profile', () => {
  bench('prepare a profile with 1,000 recordings (400 lanes)', () => prepareGeminiHome(home, lanes), { iterations: 20, time: 0 })
})
