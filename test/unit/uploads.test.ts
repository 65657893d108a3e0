import { describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, readFileSync, utimesSync } from 'node:fs'
import path from 'node:path'
import { MAX_UPLOAD_BYTES } from '../../src/shared/contract'
import { KEEP_UPLOADS_MS, MAX_UPLOADS_TOTAL_BYTES, safeFileName, Uploads } from '../../src/main/core/uploads'
import { AppError } from '../../src/main/core/errors'
import { tempDirsDeletedAfterAll } from '../support/core'

const tempDir = tempDirsDeletedAfterAll()

describe('uploads', () => {
  it('appends pieces to one private file named safely; an unknown upload is not_found', () => {
    const dir = tempDir('switchyard-uploads-')
    const uploads = new Uploads(dir)
    const first = uploads.append(undefined, '../../etc/passwd', 'ab')
    expect(uploads.append(first.uploadId, 'ignored', 'cé')).toEqual({ uploadId: first.uploadId, bytes: 5 })
    const file = uploads.pathOf(first.uploadId)
    expect(path.dirname(path.dirname(file))).toBe(dir)
    expect(readFileSync(file, 'utf8')).toBe('abcé')
    expect(() => uploads.append('up_nope', 'x', 'y')).toThrow(expect.objectContaining({ code: 'not_found' }))
    expect(() => uploads.pathOf('up_nope')).toThrow(AppError)
  })

  it('refuses past the size limit and drops what it had', () => {
    const uploads = new Uploads(tempDir('switchyard-uploads-'))
    const { uploadId } = uploads.append(undefined, 'big.txt', 'x'.repeat(1 << 20))
    let err: unknown
    try {
      for (let i = 0; i < MAX_UPLOAD_BYTES >> 20; i++) uploads.append(uploadId, 'big.txt', 'x'.repeat(1 << 20))
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({ code: 'limit_reached' })
    expect(() => uploads.pathOf(uploadId)).toThrow(expect.objectContaining({ code: 'not_found' }))
  })

  it('old uploads are deleted at start', () => {
    const dir = tempDir('switchyard-uploads-')
    mkdirSync(path.join(dir, 'up_old'))
    mkdirSync(path.join(dir, 'up_new'))
    const day = KEEP_UPLOADS_MS / 1000
    utimesSync(path.join(dir, 'up_old'), Date.now() / 1000 - day - 60, Date.now() / 1000 - day - 60)
    new Uploads(dir)
    expect(existsSync(path.join(dir, 'up_old'))).toBe(false)
    expect(existsSync(path.join(dir, 'up_new'))).toBe(true)
  })

  it('an upload of this run past its day is deleted when the next one starts', () => {
    let now = 1_000_000
    const dir = tempDir('switchyard-uploads-')
    const uploads = new Uploads(dir, { now: () => now })
    const { uploadId } = uploads.append(undefined, 'a.txt', 'a')
    now += KEEP_UPLOADS_MS + 1
    uploads.append(undefined, 'b.txt', 'b')
    expect(() => uploads.pathOf(uploadId)).toThrow(expect.objectContaining({ code: 'not_found' }))
    expect(existsSync(path.join(dir, uploadId))).toBe(false)
  })

  it('all uploads together are bounded (1 GiB by default)', () => {
    expect(MAX_UPLOADS_TOTAL_BYTES).toBe(1 << 30)
    const dir = tempDir('switchyard-uploads-')
    const uploads = new Uploads(dir, { maxTotalBytes: 10 })
    const first = uploads.append(undefined, 'a.txt', '123456')
    expect(() => uploads.append(undefined, 'b.txt', '12345')).toThrow(expect.objectContaining({ code: 'limit_reached' }))
    expect(readFileSync(uploads.pathOf(first.uploadId), 'utf8')).toBe('123456')
    expect(uploads.append(undefined, 'c.txt', '1234').bytes).toBe(4)
  })

  it('file names stay one path component', () => {
    expect(safeFileName('a/b\\c')).toBe('a_b_c')
    expect(safeFileName('..')).toBe('attachment.txt')
    expect(safeFileName('  ')).toBe('attachment.txt')
    expect(safeFileName('x\u0000y\n')).toBe('x_y_')
  })
})
