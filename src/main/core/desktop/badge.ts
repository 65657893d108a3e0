import type { Lane } from '../../../shared/contract'

/** The dock/taskbar badge before a window counted its attention items: how many lanes wait for the user. */
export function badgeCount(lanes: readonly Lane[]): number {
  return lanes.filter((l) => !l.archived && l.status === 'waiting').length
}

/** What the badge says (Windows draws it itself as an overlay). */
export function badgeText(count: number): string {
  if (count <= 0) return ''
  return count > 9 ? '9+' : String(count)
}

/** The overlay's accessible description (Windows reads it out). */
export function badgeDescription(count: number): string {
  if (count <= 0) return ''
  return `${count} thing${count === 1 ? '' : 's'} need${count === 1 ? 's' : ''} you`
}

// 3×5 glyphs for the overlay's one character: 1–9, and + for more than nine.
const GLYPHS: Record<string, string[]> = {
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['##.', '..#', '.#.', '#..', '###'],
  '3': ['##.', '..#', '.#.', '..#', '##.'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '##.', '..#', '##.'],
  '6': ['.##', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '.#.', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '##.'],
  '+': ['...', '.#.', '###', '.#.', '...'],
}

/**
 * The Windows taskbar overlay for `count`: a red disc with a white digit (or + past nine), as raw
 * 16×16 BGRA pixels for nativeImage.createFromBitmap. Empty for no count (the overlay is removed).
 */
export function badgeOverlayBitmap(count: number): Buffer {
  const size = 16
  if (count <= 0) return Buffer.alloc(0)
  const glyph = GLYPHS[count > 9 ? '+' : String(count)]!
  const out = Buffer.alloc(size * size * 4)
  const scale = 2
  const left = (size - 3 * scale) / 2
  const top = (size - 5 * scale) / 2
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4
      const inDisc = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) <= size / 2
      if (!inDisc) continue
      const gx = Math.floor((x - left) / scale)
      const gy = Math.floor((y - top) / scale)
      const ink = x >= left && y >= top && glyph[gy]?.[gx] === '#'
      // BGRA: white ink on red (#dc2626).
      out.set(ink ? [255, 255, 255, 255] : [0x26, 0x26, 0xdc, 255], i)
    }
  }
  return out
}
