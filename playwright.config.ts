import { defineConfig } from '@playwright/test'
import { existsSync } from 'node:fs'

/**
 * End-to-end tests.
 * - chromium: the real renderer in Debian's Chromium against server mode (one server per test,
 *   see test/e2e/fixtures.ts), plus the renderer's pure logic run in Node.
 * - electron: the desktop app via Playwright's `_electron` (skips itself without an Electron binary).
 */
export default defineConfig({
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: { trace: 'off' },
  projects: [
    {
      name: 'chromium',
      testDir: 'test/e2e',
      use: {
        viewport: { width: 1400, height: 820 },
        launchOptions: {
          // Debian's Chromium here; where there is none (hosted CI on macOS/Windows), Playwright's own.
          executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
          args: [
            '--no-sandbox',
            '--headless',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
    { name: 'electron', testDir: 'test/electron' },
  ],
})
