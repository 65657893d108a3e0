import { describe, expect, it } from 'vitest'
import { readFileSync, utimesSync, mkdirSync, existsSync } from 'node:fs'
import path from 'node:path'
import { MAX_UPLOAD_BYTES } from '../../src/shared/contract'
import { safeFileName, Uploads } from '../../src/main/core/uploads'
import { AppError } from '../../src/main/core/errors'
import { tempDir } from '../support/core'

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
    const week = 7 * 24 * 3600
    utimesSync(path.join(dir, 'up_old'), Date.now() / 1000 - week - 60, Date.now() / 1000 - week - 60)
    new Uploads(dir)
    expect(existsSync(path.join(dir, 'up_old'))).toBe(false)
    expect(existsSync(path.join(dir, 'up_new'))).toBe(true)
  })

  it('file names stay one path component', () => {
    expect(safeFileName('a/b\\c')).toBe('a_b_c')
    expect(safeFileName('..')).toBe('attachment.txt')
    expect(safeFileName('  ')).toBe('attachment.txt')
    expect(safeFileName('x\u0000y\n')).toBe('x_y_')
  })
})
