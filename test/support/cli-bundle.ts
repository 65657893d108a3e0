/** The `switchyard` CLI as one runnable file, bundled from source with rolldown (vite's bundler; what `npm run build` makes, in a second). */
import path from 'node:path'
import { build } from 'rolldown'
import { tempDir } from './core'

let bundled: Promise<string> | undefined

export function cliBundle(): Promise<string> {
  bundled ??= (async () => {
    const file = path.join(tempDir('switchyard-cli-'), 'cli.mjs')
    await build({
      input: path.join(import.meta.dirname, '../../src/main/cli/index.ts'),
      platform: 'node',
      logLevel: 'silent',
      output: { file, format: 'esm', codeSplitting: false },
    })
    return file
  })()
  return bundled
}
