#!/usr/bin/env node
// The `switchyard` command. It runs the built CLI (out/main/cli.js, made by `npm run build` together with
// the app) rather than building on demand: a build needs the dev dependencies and half a minute.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const built = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
if (!existsSync(built)) {
  process.stderr.write(`switchyard: ${built} is missing; run \`npm run build\` in ${fileURLToPath(new URL('..', import.meta.url))} first\n`)
  process.exit(1)
}
await import(built)
