import { test as base, expect, type Locator, type Page } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MethodInput, MethodName, MethodOutput } from '../../src/shared/contract'
import { rpc as rpcAt } from '../support/server-process'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SERVER = path.join(ROOT, 'out/main/server.js')
const LISTENING = /^Switchyard server listening on (http:\/\/\S+)$/m

export interface Server {
  /** The page to open, with its `?token=`. */
  url: string
  dataDir: string
  /** Stops the server now (SIGTERM, and waits for it to exit). */
  stop(): Promise<void>
}

/** Starts `node out/main/server.js` on a free port with a fresh data dir; stops it (and waits) after. */
async function startServer(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`npx electron-vite build\` first`)
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 15s:\n${output}`)), 15_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = LISTENING.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`))
    })
  })
  return { url, child, output: () => output }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

export const test = base.extend<{ server: Server; workspaceDir: string; serverEnv: Record<string, string> }>({
  /** Extra environment for the server process (e.g. a fake HOME), set with `test.use`. */
  serverEnv: [{}, { option: true }],
  server: async ({ serverEnv }, use, testInfo) => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-e2e-data-'))
    const { url, child, output } = await startServer(dataDir, serverEnv)
    try {
      await use({ url, dataDir, stop: () => stopServer(child) })
    } finally {
      await stopServer(child)
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server output', { body: output() })
      await rm(dataDir, { recursive: true, force: true })
    }
  },
  workspaceDir: async ({}, use) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-e2e-ws-'))
    await use(dir)
    await rm(dir, { recursive: true, force: true })
  },
})

export { expect }

// ---------- page helpers

/**
 * Opens the sidebar's folder browser and waits for its first listing (the core's home) to fill the
 * path: a fill that raced it ended up as home + typed path.
 */
export async function openFolderField(page: Page) {
  await page.getByRole('button', { name: '+ Add folder' }).first().click()
  const field = page.getByLabel('Folder path')
  await expect(field).not.toHaveValue('')
  return field
}

/** Adds a workspace through the sidebar's folder browser, typed. */
export async function addWorkspace(page: Page, dir: string): Promise<void> {
  await (await openFolderField(page)).fill(dir)
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.locator('.workspace-path', { hasText: path.basename(dir) })).toBeVisible()
}

/** Opens a lane with the given profile through the New lane dialog; returns its column. */
export async function newLane(page: Page, opts: { profile?: string; title?: string } = {}): Promise<Locator> {
  const before = await page.locator('.lane').count()
  await page.locator('.toolbar').getByRole('button', { name: /New lane/ }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toBeVisible()
  const profile = dialog.getByLabel('Profile')
  await expect(profile.locator('option', { hasText: opts.profile ?? 'Shell' })).toHaveCount(1)
  await profile.selectOption({ label: await profile.locator('option', { hasText: opts.profile ?? 'Shell' }).innerText() })
  if (opts.title) await dialog.getByLabel(/Title/).fill(opts.title)
  await dialog.getByRole('button', { name: 'Create lane' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('.lane')).toHaveCount(before + 1)
  return page.locator('.lane').nth(before)
}

/**
 * The rows a lane's terminal shows. With the DOM renderer they are `.xterm-rows` children; the WebGL
 * renderer draws into a canvas, so then the test reads xterm's buffer (what the canvas shows).
 */
export async function terminalLines(lane: Locator): Promise<string[]> {
  const terminal = lane.locator('[data-lane-terminal]')
  const renderer = await terminal.getAttribute('data-renderer')
  // Chromium with --disable-gpu only has software WebGL (SwiftShader), which the app declines.
  if (renderer !== 'dom') throw new Error(`expected the DOM renderer, got ${renderer}`)
  return terminal.locator('.xterm-rows > div').evaluateAll((rows) =>
    rows.map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()),
  )
}

/** Waits until the lane's terminal shows a prompt-ish, non-empty first line. */
export async function waitForOutput(lane: Locator): Promise<void> {
  await expect.poll(async () => (await terminalLines(lane)).some((l) => l.trim().length > 0), { timeout: 15_000 }).toBe(true)
}

// ---------- talking to the server directly (setup the UI does not offer, e.g. profiles)

/** One contract call over the server's WebSocket, as the browser client would make it. */
export function rpc<M extends MethodName>(server: Server, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return rpcAt(server.url, method, input)
}
