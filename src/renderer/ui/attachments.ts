import { useRef, useState, type DragEvent } from 'react'
import { encodedBytes, MAX_INPUT_BYTES, UPLOAD_CHUNK_CHARS, type Attachment } from '../../shared/contract'
import { isFileDrag } from './drop'
import './attachments.css'

/** The contract's limit for one attachment's content; a bigger file is refused, not cut. */
export const MAX_ATTACHMENT_BYTES = 1 << 20
export const MAX_ATTACHMENTS = 64

export type AttachmentResult = { ok: true; attachment: Attachment } | { ok: false; message: string }

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1 << 20) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`
  return `${(n / (1 << 20)).toFixed(1)} MiB`
}

/**
 * Text, as far as a prompt is concerned: no NUL byte in the first 8 KiB and valid UTF-8 throughout.
 * Returns the decoded text, or null for a binary.
 */
export function decodeText(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, 8192)
  if (head.includes(0)) return null
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}

/**
 * A dropped file as an attachment: by path where the host can tell it (Electron: the agent runs on
 * this machine and reads it), else by content (a browser), for text files up to 1 MiB.
 */
export async function fileToAttachment(file: File, getPathForFile?: (file: File) => string): Promise<AttachmentResult> {
  const path = getPathForFile?.(file) ?? ''
  if (path) return { ok: true, attachment: { name: file.name, path } }
  if (file.size > MAX_ATTACHMENT_BYTES) {
    return { ok: false, message: `${file.name} is ${formatBytes(file.size)}; attachments are limited to 1 MiB of text.` }
  }
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await file.arrayBuffer())
  } catch {
    return { ok: false, message: `${file.name} could not be read (a folder cannot be attached here).` }
  }
  const text = decodeText(bytes)
  if (text === null) return { ok: false, message: `${file.name} looks binary; only text files can be attached here.` }
  return { ok: true, attachment: { name: file.name, content: text } }
}

/** Where an attachment is the same file as another: same path, or same name and content. */
const sameAttachment = (a: Attachment, b: Attachment) => (a.path ? a.path === b.path : !b.path && a.name === b.name && a.content === b.content)

/**
 * Adds to the list: no duplicates, within the count limit; says what it refused. Contents that would
 * not fit in one message together are uploaded in pieces when sent (`withUploads`).
 */
export function addAttachments(list: readonly Attachment[], added: readonly Attachment[]): { list: Attachment[]; refused: string[] } {
  const out = [...list]
  const refused: string[] = []
  for (const a of added) {
    if (out.some((b) => sameAttachment(a, b))) continue
    if (out.length >= MAX_ATTACHMENTS) {
      refused.push(`${a.name}: at most ${MAX_ATTACHMENTS} files per message.`)
      continue
    }
    out.push(a)
  }
  return { list: out, refused }
}

/** Room kept for the rest of the `lanes.send` input (lane id, keys). */
const SEND_OVERHEAD = 1024

/**
 * Which content attachments to upload first so that the prompt and the rest fit in one message:
 * none when all fits, else the largest until it does. Returns their indexes.
 */
export function planUploads(input: string, attachments: readonly Attachment[]): number[] {
  let size = encodedBytes(input) + SEND_OVERHEAD + attachments.reduce((n, a) => n + encodedBytes(a) + 1, 0)
  const bySize = attachments
    .map((a, i) => ({ i, bytes: a.content === undefined ? 0 : encodedBytes(a) }))
    .filter((x) => x.bytes > 0)
    .sort((x, y) => y.bytes - x.bytes)
  const chosen: number[] = []
  for (const { i, bytes } of bySize) {
    if (size <= MAX_INPUT_BYTES) break
    chosen.push(i)
    size -= bytes - 100 // what stays: {name, uploadId}
  }
  return chosen.sort((a, b) => a - b)
}

/** Pieces of at most `max` characters, never splitting a surrogate pair (each piece is valid text). */
export function chunkText(text: string, max = UPLOAD_CHUNK_CHARS): string[] {
  const out: string[] = []
  for (let at = 0; at < text.length || out.length === 0; ) {
    let end = Math.min(text.length, at + max)
    const last = text.charCodeAt(end - 1)
    if (end < text.length && last >= 0xd800 && last < 0xdc00) end--
    out.push(text.slice(at, end))
    at = end
  }
  return out
}

type Upload = (input: { uploadId?: string; name: string; chunk: string }) => Promise<{ uploadId: string }>

/**
 * The attachments as `lanes.send` can carry them in one message: contents too large together are
 * uploaded first, piece by piece, and go as `{name, uploadId}`.
 */
export async function withUploads(input: string, attachments: Attachment[], upload: Upload): Promise<Attachment[]> {
  const out = [...attachments]
  for (const i of planUploads(input, attachments)) {
    const a = attachments[i]!
    let uploadId: string | undefined
    for (const chunk of chunkText(a.content ?? '')) uploadId = (await upload({ uploadId, name: a.name, chunk })).uploadId
    out[i] = { name: a.name, uploadId }
  }
  return out
}

/** A path typed into a shell: single-quoted for POSIX shells, double-quoted on Windows. */
export function quotePath(path: string, windows: boolean): string {
  if (windows) return /[\s"&()^%!]/.test(path) ? `"${path.replace(/"/g, '""')}"` : path
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`
}

/**
 * Drag-and-drop of files onto one element (a composer, a terminal). The drag is kept from the
 * window, whose own drop handler adds folders as workspaces.
 */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const [over, setOver] = useState(false)
  const depth = useRef(0)
  const mine = (e: DragEvent) => {
    if (!isFileDrag(e.dataTransfer)) return false
    e.preventDefault()
    e.stopPropagation()
    return true
  }
  const handlers = {
    onDragEnter: (e: DragEvent) => {
      if (!mine(e)) return
      depth.current++
      setOver(true)
    },
    onDragOver: (e: DragEvent) => {
      if (!mine(e)) return
      e.dataTransfer.dropEffect = 'copy'
    },
    onDragLeave: (e: DragEvent) => {
      if (!mine(e)) return
      depth.current = Math.max(0, depth.current - 1)
      if (depth.current === 0) setOver(false)
    },
    onDrop: (e: DragEvent) => {
      if (!mine(e)) return
      depth.current = 0
      setOver(false)
      const files = Array.from(e.dataTransfer.files)
      if (files.length > 0) onFiles(files)
    },
  }
  return { over, handlers }
}
