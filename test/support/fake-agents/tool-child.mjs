// Imported by every fake agent: with FAKE_TOOL_CHILD_PIDFILE set, the agent starts two long commands at
// startup, one in a process group of its own (as pi's bash tool does) and one in the agent's group, and
// writes "<own-group pid> <agent-group pid>" to that file.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'

const file = process.env.FAKE_TOOL_CHILD_PIDFILE
if (file) {
  const own = spawn('sleep', ['300'], { stdio: 'ignore', detached: true })
  const same = spawn('sleep', ['300'], { stdio: 'ignore' })
  own.unref()
  same.unref()
  writeFileSync(file, `${own.pid} ${same.pid}`)
}
