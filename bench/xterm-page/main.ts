// xterm alone in a page, mounted as the lane's terminal view mounts it (same options; the DOM renderer
// without a GPU) and fed the flood of bench/pty.ts from memory through the same FlowWriter, in 256 K
// pieces (the terminal adapter's largest event, FRAME_MAX_CHARS), each in a task of its own as WebSocket
// messages come: the ceiling of the pty → xterm row (bench/xterm-ceiling.ts runs it).
import { mountTerminal } from '../../src/renderer/terminal/xterm'
import { FlowWriter } from '../../src/renderer/terminal/flow'

declare global {
  interface Window {
    floodXterm(end: string): Promise<{ ms: number; chars: number; cols: number; rows: number }>
  }
}

const PIECE = 256 * 1024

/** ~8.1 MB: base64 of 6,000,000 random bytes in 76-character lines ending \r\n, then the end marker. */
function flood(end: string): string {
  const bytes = new Uint8Array(6_000_000)
  for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536))
  let bin = ''
  for (let i = 0; i < bytes.length; i += 8192) bin += String.fromCharCode(...bytes.subarray(i, i + 8192))
  const b64 = btoa(bin)
  const lines: string[] = []
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76))
  return lines.join('\r\n') + `\r\n${end}\r\n`
}

/** Ms from the first piece until the rows show `end`, in a new terminal (a message task per piece: setTimeout would be clamped to 4 ms). */
window.floodXterm = async (end) => {
  const container = document.getElementById('term')!
  const mounted = mountTerminal(container, () => {})
  mounted.fit.fit()
  const data = flood(end)
  await new Promise((r) => setTimeout(r, 300))
  const rows = container.querySelector('.xterm-rows')!
  const writer = new FlowWriter(mounted.term)
  const t0 = performance.now()
  const channel = new MessageChannel()
  let at = 0
  channel.port1.onmessage = () => {
    writer.write(data.slice(at, at + PIECE))
    at += PIECE
    if (at < data.length) channel.port2.postMessage(null)
  }
  channel.port2.postMessage(null)
  await new Promise<void>((resolve) => {
    const poll = () => (rows.textContent?.includes(end) ? resolve() : requestAnimationFrame(poll))
    poll()
  })
  const result = { ms: performance.now() - t0, chars: data.length, cols: mounted.term.cols, rows: mounted.term.rows }
  writer.dispose()
  mounted.dispose()
  channel.port1.close()
  return result
}
