// What a checkpoint costs at a turn boundary in a repository of 2,000 tracked files (4 KB each):
// unchanged (the common idle case: same tree, no new object) and after a turn edited 5 files and
// added one. `npx vitest bench --run bench/checkpoints.bench.ts`.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, bench, describe } from 'vitest'
import { CheckpointService } from '../src/main/core/lanes/checkpoint-service'

const repo = mkdtempSync(path.join(os.tmpdir(), 'switchyard-ckpt-bench-'))
const data = mkdtempSync(path.join(os.tmpdir(), 'switchyard-ckpt-bench-data-'))
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' })
git('init', '-q', '-b', 'main')
for (let i = 0; i < 2000; i++) {
  const dir = path.join(repo, `pkg${i % 40}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, `f${i}.ts`), `// file ${i}\n${'x'.repeat(4000)}\n`)
}
git('add', '-A')
git('-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-q', '-m', 'base')
const svc = new CheckpointService({ dataDir: data, cwdOf: () => repo, keep: () => 100, emit: () => {}, now: Date.now })
let turn = 0
afterAll(() => {
  rmSync(repo, { recursive: true, force: true })
  rmSync(data, { recursive: true, force: true })
})

describe('checkpoint, 2,000-file repository', () => {
  bench('unchanged since the last checkpoint', async () => {
    await svc.capture('bench', 'end')
  }, { iterations: 20, time: 0, setup: async () => void (await svc.capture('bench', 'end')) })
  bench('after a turn that edited 5 files and added 1', async () => {
    turn++
    for (let i = 0; i < 5; i++) writeFileSync(path.join(repo, `pkg${i}`, `f${i}.ts`), `// turn ${turn}\n`)
    writeFileSync(path.join(repo, `new-${turn}.ts`), `// new in turn ${turn}\n`)
    await svc.capture('bench', 'end')
  }, { iterations: 20, time: 0 })
})
