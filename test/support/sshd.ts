/**
 * A real OpenSSH server on 127.0.0.1 for one test file: host and client keys made per run, a dedicated
 * unprivileged user when we run as root (else our own user), `sshd -D -e` on a random port.
 * A second port serves the same user with a PATH that has no node (`Match LocalPort` + `SetEnv`).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const SSHD = '/usr/sbin/sshd'
export const sshdMissing = () => (existsSync(SSHD) ? null : `${SSHD} is missing (apt-get install openssh-server; .ci/run installs it)`)

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export interface TestSshd {
  dir: string
  user: string
  home: string
  /** Same machine, so the test can look at the remote user's files directly. */
  configFile: string
  /** Host aliases in `configFile`. */
  hosts: { ok: string; noNode: string; badKey: string }
  /** The remote's node (a copy readable by the test user). */
  nodePath: string
  sshdPid: () => number | undefined
  log: () => string
  close(): Promise<void>
}

export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(path.join('/tmp', 'sy-sshd-'))
  chmodSync(dir, 0o755)
  const asRoot = process.getuid?.() === 0
  const user = asRoot ? `syt${process.pid}` : os.userInfo().username
  const home = asRoot ? path.join(dir, 'home') : os.homedir()
  // `-p '*'`: no password, but not a locked account, which sshd without PAM would refuse.
  if (asRoot) execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/bash', '-p', '*', user])
  if (asRoot) {
    mkdirSync(home, { mode: 0o755 })
    execFileSync('chown', [`${user}:`, home])
  }
  // node for the remote user: our Node 24 lives under /root (0700), so a copy in a folder it may read.
  const bin = path.join(dir, 'bin')
  mkdirSync(bin, { mode: 0o755 })
  const nodePath = path.join(bin, 'node')
  copyFileSync(process.execPath, nodePath)
  chmodSync(nodePath, 0o755)
  // The no-node PATH: the basics and nothing else.
  const bare = path.join(dir, 'bare-bin')
  mkdirSync(bare, { mode: 0o755 })
  for (const tool of ['sh', 'bash', 'tar', 'gzip', 'mkdir', 'rm', 'mv', 'chmod', 'cat', 'ls', 'git', 'uname']) {
    const found = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((p) => existsSync(p))
    if (found) symlinkSync(found, path.join(bare, tool))
  }
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')])
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'other_host_key')])
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client_key')])
  const authorized = path.join(dir, 'authorized_keys')
  writeFileSync(authorized, readFileSync(path.join(dir, 'client_key.pub')))
  chmodSync(authorized, 0o644)
  const [port, portNoNode] = [await freePort(), await freePort()]
  const sshdConfig = path.join(dir, 'sshd_config')
  writeFileSync(
    sshdConfig,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `ListenAddress 127.0.0.1:${portNoNode}`,
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AllowUsers ${user}`,
      `PermitRootLogin ${asRoot ? 'no' : 'prohibit-password'}`,
      'MaxSessions 50',
      `SetEnv PATH=${bin}:/usr/local/bin:/usr/bin:/bin`,
      `Match LocalPort ${portNoNode}`,
      `  SetEnv PATH=${bare}`,
      '',
    ].join('\n'),
  )
  const hostPub = readFileSync(path.join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ')
  const otherPub = readFileSync(path.join(dir, 'other_host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ')
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n[127.0.0.1]:${portNoNode} ${hostPub}\n`)
  writeFileSync(path.join(dir, 'known_hosts_changed'), `[127.0.0.1]:${port} ${otherPub}\n`)
  const common = (p: number, known: string) => [
    '  HostName 127.0.0.1',
    `  Port ${p}`,
    `  User ${user}`,
    `  IdentityFile ${path.join(dir, 'client_key')}`,
    '  IdentitiesOnly yes',
    '  IdentityAgent none',
    `  UserKnownHostsFile ${path.join(dir, known)}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  LogLevel ERROR',
  ]
  const configFile = path.join(dir, 'ssh_config')
  writeFileSync(
    configFile,
    ['Host sy-test', ...common(port, 'known_hosts'), 'Host sy-nonode', ...common(portNoNode, 'known_hosts'), 'Host sy-badkey', ...common(port, 'known_hosts_changed'), ''].join('\n'),
  )
  // sshd run as root insists on its privilege-separation directory.
  if (asRoot) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  let log = ''
  const child: ChildProcess = spawn(SSHD, ['-f', sshdConfig, '-D', '-e'], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()))
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 10_000
    const poll = () => {
      if (child.exitCode !== null) return reject(new Error(`sshd exited: ${log}`))
      const s = net.connect(port, '127.0.0.1')
      s.once('connect', () => (s.destroy(), resolve()))
      s.once('error', () => (Date.now() > deadline ? reject(new Error(`sshd did not listen: ${log}`)) : setTimeout(poll, 50)))
    }
    poll()
  })
  return {
    dir,
    user,
    home,
    configFile,
    hosts: { ok: 'sy-test', noNode: 'sy-nonode', badKey: 'sy-badkey' },
    nodePath,
    sshdPid: () => child.pid,
    log: () => log,
    async close() {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
      if (asRoot) {
        // The remote user's processes (its headless core and lanes) end with it.
        for (let i = 0; i < 50; i++) {
          // pkill exits 1 once the user has no process left.
          if (spawnSync('pkill', ['-KILL', '-u', user]).status === 1) break
          await new Promise((r) => setTimeout(r, 100))
        }
        try {
          execFileSync('userdel', [user])
        } catch {}
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
