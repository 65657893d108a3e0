// A tiny line-protocol agent for exercising lanes with a structured (non-pty) process.
// In: {"prompt": text} or {"approved": bool}. Out: {"turn":"start"}, {"text": …}, {"turn":"end"}; "approve" asks first;
// "write <file> <text>" lines write files; "hang" starts a turn that never ends; "garbage" writes a malformed line; "crash" exits 3.
import { writeFileSync } from 'node:fs'
import readline from 'node:readline'

const out = (v) => process.stdout.write(JSON.stringify(v) + '\n')
process.on('SIGTERM', () => {}) // like agents that ignore it: only stdin EOF or SIGKILL ends us
const rl = readline.createInterface({ input: process.stdin })
rl.on('line', (line) => {
  const msg = JSON.parse(line)
  if (msg.approved !== undefined) return out({ text: msg.approved ? 'approved' : 'denied' }), out({ turn: 'end' })
  const p = msg.prompt
  out({ turn: 'start' })
  if (p === 'approve') return out({ approval: 'a1' })
  if (p === 'approve-read') return out({ approval: 'r1', readOnly: true })
  if (p === 'hang') return
  if (p === 'garbage') return process.stdout.write('{"text": "unterminated\n')
  if (p === 'crash') {
    process.stderr.write('fatal: the model went away\n')
    process.exit(3)
  }
  // Lines `write <file> <content>` write files in the working folder (checkpoint tests).
  for (const m of p.matchAll(/^write (\S+) (.*)$/gm)) writeFileSync(m[1], `${m[2]}\n`)
  out({ text: `echo: ${p}` })
  out({ turn: 'end' })
})
rl.on('close', () => process.exit(0))
