import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/reliability/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Real processes and ptys: two cores, so keep parallelism modest.
    maxWorkers: 2,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
})
