// The server-mode feed of bench/renderer.bench.mjs: the built server (out/main/server.js) as a real
// process with N Codex lanes, each running the fake app-server (test/support/fake-agents), which
// streams stamped deltas when told "stream …". The page under test opens the server's own URL.
import { spawn } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SERVER_JS = path.join(ROOT, 'out/main/server.js')
const FAKE_CODEX = path.join(ROOT, 'test/support/fake-agents/codex-app-server.mjs')
const LISTENING = /^Switchyard server listening on (http:\/\/\S+)$/m

/** One WebSocket to the server for the contract calls the bench makes (as the page's client does). */
async function connect(url) {
  const page = new URL(url)
  const ws = new WebSocket(`ws://${page.host}/ws?token=${page.searchParams.get('token')}`)
  await new Promise((resolve, reject) => {
    ws.onopen = resolve
    ws.onerror = () => reject(new Error('WebSocket to the server failed'))
  })
  let nextId = 1
  const pending = new Map()
  ws.onmessage = (m) => {
    const data = JSON.parse(String(m.data))
    if ('sub' in data) return
    const done = pending.get(data.id)
    pending.delete(data.id)
    if (!done) return
    if (data.ok) done.resolve(data.value)
    else done.reject(new Error(`${done.method}: ${data.error.code}: ${data.error.message}`))
  }
  return {
    call(method, input) {
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, method })
        ws.send(JSON.stringify({ id, method, input }))
      })
    },
    close: () => ws.close(),
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * A server with `lanes` fake Codex lanes, each with three finished turns of history (a command and a
 * markdown reply each). `stream()` starts every lane streaming at once and resolves when all are done.
 */
export async function startServerWorld({ lanes, serverJs = SERVER_JS }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'))
  const home = path.join(tmp, 'home')
  const workspace = path.join(tmp, 'workspace')
  for (const dir of [home, workspace]) rmSync(dir, { recursive: true, force: true })
  await import('node:fs/promises').then((fs) => Promise.all([fs.mkdir(home), fs.mkdir(workspace)]))
  if (existsSync(path.join(os.homedir(), '.gitconfig'))) copyFileSync(path.join(os.homedir(), '.gitconfig'), path.join(home, '.gitconfig'))
  // The lane runs `<command> app-server …`: a wrapper runs the fake with this Node.
  const codex = path.join(tmp, 'codex')
  writeFileSync(codex, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_CODEX}" "$@"\n`)
  chmodSync(codex, 0o755)

  const child = spawn(process.execPath, [serverJs, '--port', '0', '--data-dir', path.join(tmp, 'data')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home },
  })
  let output = ''
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000)
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = LISTENING.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.stderr.on('data', (chunk) => (output += chunk))
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`))
    })
  })
  const rpc = await connect(url)
  const stop = async () => {
    rpc.close()
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(tmp, { recursive: true, force: true })
  }
  try {
    // Every lane keeps its agent running (the default allows 12 processes and puts the rest to sleep).
    await rpc.call('settings.update', { maxProcesses: Math.max(12, lanes + 4) })
    const ws = await rpc.call('workspaces.add', { path: workspace })
    const profile = await rpc.call('profiles.create', { kind: 'codex', name: 'Fake Codex', command: codex, approvalPolicy: 'auto_all' })
    const ids = []
    for (let i = 0; i < lanes; i++) {
      const lane = await rpc.call('lanes.create', { workspaceId: ws.id, profileId: profile.id, title: `agent ${i}`, worktree: { enabled: false } })
      ids.push(lane.id)
    }
    const settled = async (what, timeoutMs) => {
      const until = Date.now() + timeoutMs
      for (;;) {
        const list = (await rpc.call('lanes.list', {})).filter((l) => ids.includes(l.id))
        const bad = list.find((l) => l.status === 'failed' || l.status === 'exited')
        if (bad) throw new Error(`lane ${bad.title} ${bad.status} ${what}:\n${output}`)
        if (list.length === ids.length && list.every((l) => l.status === 'ready')) return
        if (Date.now() > until) throw new Error(`lanes not ready ${what} in ${timeoutMs} ms: ${list.map((l) => l.status).join(' ')}`)
        await sleep(100)
      }
    }
    await settled('after start', 60_000)
    const send = (prompt) => Promise.all(ids.map((laneId) => rpc.call('lanes.send', { laneId, input: prompt })))
    for (let turn = 0; turn < 3; turn++) {
      await send(`stream n=60 rate=0 tools=60 (history turn ${turn})`)
      await settled('after a history turn', 60_000)
    }
    return {
      url,
      laneIds: ids,
      output: () => output,
      /** Every lane streams `rate`×`seconds` deltas, phases spread over one period; resolves once all are done. */
      async stream({ rate, seconds }) {
        const n = Math.round(rate * seconds)
        const period = 1000 / rate
        await Promise.all(
          ids.map((laneId, i) => rpc.call('lanes.send', { laneId, input: `stream n=${n} rate=${rate} phase=${Math.round((period * i) / ids.length)} tools=90` })),
        )
        await sleep(seconds * 1000)
        await settled('after streaming', 60_000)
        return Object.fromEntries(ids.map((id) => [id, n]))
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
