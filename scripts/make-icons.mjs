// Draws Switchyard's icons (a main track with two switch tracks branching off) and writes them as PNGs
// into resources/. Pure Node: shapes are rasterised with 4×4 supersampling, then PNG-encoded with zlib.
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function png(size, rgba) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([len, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr.set([8, 6, 0, 0, 0], 8)
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}

// Shapes in a unit square: distance tests, composited in order.
const segDist = (px, py, [ax, ay, bx, by]) => {
  const dx = bx - ax, dy = by - ay
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(px - ax - t * dx, py - ay - t * dy)
}
const roundRect = (px, py, inset, r) => {
  const qx = Math.abs(px - 0.5) - (0.5 - inset - r), qy = Math.abs(py - 0.5) - (0.5 - inset - r)
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r <= 0
}
// A ladder track: the main line, one diagonal, and the sidings rising from it.
const TRACKS = [
  [0.22, 0.86, 0.22, 0.14],
  [0.22, 0.78, 0.78, 0.22],
  [0.5, 0.5, 0.5, 0.14],
  [0.78, 0.22, 0.78, 0.14],
]
const SIGNAL = [0.7, 0.7, 0.1] // a green signal lamp

function draw(size, { background, track, lamp, width }) {
  const out = Buffer.alloc(size * size * 4)
  const S = 4
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let acc = [0, 0, 0, 0]
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const px = (x + (sx + 0.5) / S) / size, py = (y + (sy + 0.5) / S) / size
          let c = [0, 0, 0, 0]
          if (background && roundRect(px, py, 0.04, 0.2)) c = background
          if (TRACKS.some((s) => segDist(px, py, s) <= width / 2)) c = track
          if (lamp && Math.hypot(px - SIGNAL[0], py - SIGNAL[1]) <= SIGNAL[2]) c = lamp
          acc = acc.map((v, i) => v + (i < 3 ? c[i] * c[3] : c[3]))
        }
      }
      const a = acc[3] / (S * S)
      const i = (y * size + x) * 4
      out[i] = a ? Math.round(acc[0] / acc[3]) : 0
      out[i + 1] = a ? Math.round(acc[1] / acc[3]) : 0
      out[i + 2] = a ? Math.round(acc[2] / acc[3]) : 0
      out[i + 3] = Math.round(a * 255)
    }
  }
  return png(size, out)
}

const app = { background: [24, 28, 36, 1], track: [226, 232, 240, 1], lamp: [74, 222, 128, 1], width: 0.075 }
writeFileSync('resources/icon.png', draw(512, app))
// Tray: macOS template images are black + alpha (the system tints them); others get a light and a dark one.
for (const [name, track] of [['trayTemplate', [0, 0, 0, 1]], ['tray-light', [32, 36, 44, 1]], ['tray-dark', [240, 242, 246, 1]]]) {
  writeFileSync(`resources/${name}.png`, draw(16, { track, width: 0.12 }))
  writeFileSync(`resources/${name}@2x.png`, draw(32, { track, width: 0.12 }))
}
console.log('icons written to resources/')
