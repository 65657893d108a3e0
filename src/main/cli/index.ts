/** The `switchyard` command's entry (built to out/main/cli.js; bin/switchyard.mjs runs it). */
import { runCli } from './main'

const interrupted = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve())
  process.once('SIGTERM', () => resolve())
})
runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  interrupted,
}).then(
  (code) => {
    // `mcp` keeps serving until stdin ends; everything else is done.
    if (code >= 0) process.stdout.write('', () => process.exit(code))
  },
  (err) => {
    process.stderr.write(`switchyard: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  },
)
