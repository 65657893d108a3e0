// `npm test`: typecheck, build, Electron security lint (electronegativity), unit + integration (Vitest),
// end-to-end (Playwright in Chromium, and Electron where its binary exists), and with
// SWITCHYARD_AGENT_TIER=1 (as CI sets it) the real-agent tier. Ends with one line counting every test of every stage.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const results = '.cache/test-results'
rmSync(results, { recursive: true, force: true })
mkdirSync(results, { recursive: true })
const totals = { passed: 0, failed: 0, skipped: 0 }
let failedStages = []

function run(stage, cmd, args, env = {}) {
  console.log(`\n=== ${stage}: ${cmd} ${args.join(' ')}`)
  // npx is npx.cmd on Windows, which only a shell runs.
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' })
  if (r.status !== 0) failedStages.push(stage)
  return r.status === 0
}

run('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])
const built = run('build', 'npx', ['electron-vite', 'build'])
// Electron security lint of the sources and the built app: fails on any HIGH or CRITICAL finding.
run('electronegativity', process.execPath, ['scripts/electronegativity.mjs', 'src', ...(built ? ['out'] : [])])

// The tests' lanes run login shells; with the user's HOME they would source the user's rc files, whose
// slow parts (a `pyenv rehash` whose lock a killed shell leaves behind stalls every later login shell
// for a minute) are not ours to test, nor ours to disturb. A HOME of their own, with the user's git and
// npm settings; the real-agent tier already gives its agents one and keeps its CLI cache in the real HOME.
const testHome = mkdtempSync(path.join(os.tmpdir(), 'switchyard-test-home-'))
for (const name of ['.gitconfig', '.npmrc']) {
  const from = path.join(os.homedir(), name)
  if (existsSync(from)) copyFileSync(from, path.join(testHome, name))
}
process.on('exit', () => rmSync(testHome, { recursive: true, force: true }))

function vitest(stage, name, extra = [], env = { HOME: testHome }) {
  run(stage, 'npx', ['vitest', 'run', ...extra, '--reporter=default', '--reporter=json', `--outputFile.json=${results}/${name}.json`], env)
  try {
    const v = JSON.parse(readFileSync(`${results}/${name}.json`, 'utf8'))
    totals.passed += v.numPassedTests
    totals.failed += v.numFailedTests
    totals.skipped += v.numPendingTests + v.numTodoTests
  } catch {
    failedStages.push(`${stage} (no report)`)
  }
}

vitest('unit and integration', 'vitest')

if (built) {
  run('end-to-end', 'npx', ['playwright', 'test', '--reporter=list,json'], { HOME: testHome, PLAYWRIGHT_JSON_OUTPUT_NAME: `${results}/playwright.json` })
  try {
    const p = JSON.parse(readFileSync(`${results}/playwright.json`, 'utf8')).stats
    totals.passed += p.expected + p.flaky
    totals.failed += p.unexpected
    totals.skipped += p.skipped
  } catch {
    failedStages.push('end-to-end (no report)')
  }
}

if (process.env.SWITCHYARD_AGENT_TIER === '1') vitest('real agents', 'agents', ['--config', 'vitest.agents.config.ts'], {})

failedStages = [...new Set(failedStages)]
if (failedStages.length) console.log(`\nFailed stages: ${failedStages.join(', ')}`)
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(failedStages.length || totals.failed ? 1 : 0)
