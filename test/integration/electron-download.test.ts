import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createHash, randomBytes } from 'node:crypto'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactLocation, ensureElectron, target } from '../../scripts/electron-binary.mjs'
import { tempDir } from '../support/core'

/** A zip of stored (uncompressed) entries, with Unix modes: enough for electron's unpacker. */
function storedZip(entries: { name: string; data: Buffer; mode: number }[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const { name, data, mode } of entries) {
    const fileName = Buffer.from(name)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(fileName.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, so the mode below counts
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(fileName.length, 28)
    central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, fileName, data)
    centrals.push(central, fileName)
    offset += local.length + fileName.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

const exePath = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron'
const version: string = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version
const { platform, arch } = target()
const zipName = `electron-v${version}-${platform}-${arch}.zip`

let mirror: Server
let mirrorUrl: string
let zip: Buffer
let shasums: string
const requests: string[] = []
/** A copy of the electron package (no binary) where install.js still finds @electron/get up the tree. */
let electronDir: string
const saved = { ...process.env }

beforeAll(async () => {
  zip = storedZip([
    { name: exePath, data: Buffer.from('#!/bin/sh\necho fake electron\n'), mode: 0o755 },
    { name: 'version', data: Buffer.from(version), mode: 0o644 },
    { name: 'padding.bin', data: randomBytes(3 * 1024 * 1024), mode: 0o644 }, // enough bytes to show progress
  ])
  shasums = `${createHash('sha256').update(zip).digest('hex')} *${zipName}\n`
  mirror = createServer((req, res) => {
    requests.push(req.url ?? '')
    const body = req.url === `/v${version}/${zipName}` ? zip : req.url === `/v${version}/SHASUMS256.txt` ? Buffer.from(shasums) : undefined
    if (!body) return res.writeHead(404).end()
    res.writeHead(200, { 'Content-Length': body.length }).end(body)
  })
  await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r))
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as { port: number }).port}/`

  electronDir = path.resolve('.cache', `electron-copy-${process.pid}`, 'node_modules', 'electron')
  mkdirSync(path.dirname(electronDir), { recursive: true })
  cpSync('node_modules/electron', electronDir, { recursive: true, filter: (src) => !/[\\/](dist|path\.txt)$/.test(src) })
})

afterAll(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
  Object.assign(process.env, saved)
  await new Promise((r) => mirror.close(r))
  rmSync(path.dirname(path.dirname(electronDir)), { recursive: true, force: true })
})

describe('obtaining Electron from a mirror', () => {
  it('downloads with progress into electron\'s cache, unpacks with electron\'s install.js, and then needs no network', async () => {
    // Where @electron/get reads them; the checksums come from the mirror, since this zip is not Electron's.
    Object.assign(process.env, { ELECTRON_MIRROR: mirrorUrl, electron_config_cache: tempDir('switchyard-electron-cache-'), electron_use_remote_checksums: '1' })
    delete process.env.ELECTRON_OVERRIDE_DIST_PATH
    delete process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
    let said = ''
    const out = { write: (text: string) => ((said += text), true) }

    const result = await ensureElectron({ dir: electronDir, out })
    expect(result).toEqual({ ok: true, exe: path.join(electronDir, 'dist', exePath) })
    expect(readFileSync(path.join(electronDir, 'path.txt'), 'utf8')).toBe(exePath)
    if (process.platform !== 'win32') expect(statSync(result.ok ? result.exe : '').mode & 0o111).not.toBe(0)
    expect(said).toContain(`Downloading Electron ${version} for ${platform}-${arch} from ${mirrorUrl}v${version}/${zipName}`)
    expect(said).toMatch(/: 100% \(3 of 3 MB\)/)
    // In the cache where the failure message tells people to put a zip downloaded elsewhere.
    expect(existsSync(artifactLocation(version, { platform, arch }).cachePath)).toBe(true)

    const before = requests.length
    expect(await ensureElectron({ dir: electronDir, out })).toEqual(result)
    expect(requests.length).toBe(before)
  })

  it('refuses a zip whose checksum does not match, and says so', async () => {
    rmSync(path.join(electronDir, 'dist'), { recursive: true, force: true })
    rmSync(path.join(electronDir, 'path.txt'), { force: true })
    process.env.electron_config_cache = tempDir('switchyard-electron-cache-')
    shasums = `${'0'.repeat(64)} *${zipName}\n`
    const result = await ensureElectron({ dir: electronDir, out: { write: () => true } })
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/checksum/i) })
    expect(existsSync(path.join(electronDir, 'path.txt'))).toBe(false)
  })
})
