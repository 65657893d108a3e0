import { defineConfig } from 'vitest/config'

/** The real-agent tier: the pinned real CLIs against the fake LLM (`npm run test:agents`). */
export default defineConfig({
  test: {
    include: ['test/agents/**/*.test.ts'],
    globalSetup: ['test/agents/install.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each agent is a 150–400 MB process tree; two cores.
    maxWorkers: 2,
  },
})
