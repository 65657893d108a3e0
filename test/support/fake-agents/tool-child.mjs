// Imported by every fake agent: with FAKE_TOOL_CHILD_PIDFILE set, the agent starts a long command in a
// process group of its own at startup, as agents' shell tools do, and writes its pid to that file.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'

const file = process.env.FAKE_TOOL_CHILD_PIDFILE
if (file) {
  const child = spawn('sleep', ['300'], { stdio: 'ignore', detached: true })
  child.unref()
  writeFileSync(file, String(child.pid))
}
