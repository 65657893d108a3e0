import { closeSync, openSync, writeSync } from 'node:fs'

const MB = 1024 * 1024

/**
 * Appends ~`bytes` of terminal.output lines (64 KiB frames, as the pty adapter makes) after `seq`, then one
 * event with `last`; returns the last seq. Writes 4 MB at a time: 500 MB takes a few seconds.
 */
export function appendHistory(file: string, laneId: string, seq: number, bytes: number, last: string): number {
  const row = (n: number) => `history row ${n} ${'.'.repeat(60)}\r\n`
  const fd = openSync(file, 'a')
  try {
    let written = 0
    let rowNo = 0
    let chunk: string[] = []
    let chunkBytes = 0
    while (written < bytes) {
      let data = ''
      while (data.length < 64 * 1024) data += row(++rowNo)
      const line = JSON.stringify({ laneId, seq: ++seq, at: 0, type: 'terminal.output', data }) + '\n'
      chunk.push(line)
      chunkBytes += line.length
      written += line.length
      if (chunkBytes >= 4 * MB) {
        writeSync(fd, chunk.join(''))
        chunk = []
        chunkBytes = 0
      }
    }
    chunk.push(JSON.stringify({ laneId, seq: ++seq, at: 0, type: 'terminal.output', data: last }) + '\n')
    writeSync(fd, chunk.join(''))
  } finally {
    closeSync(fd)
  }
  return seq
}

