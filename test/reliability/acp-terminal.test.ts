import { rmSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AcpClientServices, DEFAULT_TERMINAL_OUTPUT_BYTES } from '../../src/main/core/agents/acp-client-services'
import { tempDir } from '../support/core'

// Terminals an ACP agent asks for run in the lane's folder, and what they print costs main bounded memory.

const dirs: string[] = []
const dir = (prefix: string) => {
  const d = tempDir(prefix)
  dirs.push(d)
  return d
}
let services: AcpClientServices | undefined
afterEach(async () => {
  await services?.stopAll()
  services = undefined
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function lane() {
  const cwd = dir('switchyard-ws-')
  services = new AcpClientServices({ cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } })
  return { cwd, services }
}

describe('ACP terminals', () => {
  it('a command that prints 50 MB keeps only the newest bytes (the default bound), marked truncated', async () => {
    const { services } = lane()
    const { terminalId } = await services.createTerminal({ sessionId: 's', command: "head -c 50000000 /dev/zero | tr '\\0' x; echo END" })
    expect(await services.terminal(terminalId).exited).toEqual({ exitCode: 0, signal: null })
    const { output, truncated } = services.terminalOutput(terminalId)
    expect(truncated).toBe(true)
    expect(Buffer.byteLength(output)).toBe(DEFAULT_TERMINAL_OUTPUT_BYTES)
    expect(output.endsWith('xxxxEND\n')).toBe(true)
  }, 30_000)

  it("the agent's own smaller limit wins, cut at a character boundary", async () => {
    const { services } = lane()
    const { terminalId } = await services.createTerminal({ sessionId: 's', command: 'printf "ééééé"; echo', outputByteLimit: 6 })
    await services.terminal(terminalId).exited
    // "ééééé\n" is 11 bytes; the newest 6 start inside an "é": that half is dropped.
    expect(services.terminalOutput(terminalId)).toMatchObject({ output: 'éé\n', truncated: true })
  })

  it('a working folder outside the lane (through a link, dangling or not) is refused', async () => {
    const { cwd, services } = lane()
    const outside = dir('switchyard-outside-')
    symlinkSync(outside, path.join(cwd, 'out'))
    symlinkSync(path.join(outside, 'gone'), path.join(cwd, 'gone'))
    await expect(services.createTerminal({ sessionId: 's', command: 'pwd', cwd: path.join(cwd, 'out') })).rejects.toThrow(/outside this lane's workspace/)
    await expect(services.createTerminal({ sessionId: 's', command: 'pwd', cwd: path.join(cwd, 'gone') })).rejects.toThrow(/outside this lane's workspace/)
    await expect(services.createTerminal({ sessionId: 's', command: 'pwd', cwd: outside })).rejects.toThrow(/outside this lane's workspace/)
  })
})
