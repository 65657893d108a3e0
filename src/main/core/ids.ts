import { randomBytes } from 'node:crypto'

/** Short, URL-safe, sortable-enough ids: a prefix says what kind of thing it names. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(5).toString('hex')}`
}
