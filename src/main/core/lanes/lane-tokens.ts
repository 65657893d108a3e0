import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** Per-lane secrets, in memory and in a 0600 file per lane that the lane's MCP server is pointed at. */
export class LaneTokens {
  private readonly byToken = new Map<string, string>()
  private readonly byLane = new Map<string, string>()
  constructor(private readonly dir: string) {}

  /** The lane's token file (minted on first use; stable while this process runs). */
  fileFor(laneId: string): string {
    let token = this.byLane.get(laneId)
    if (!token) {
      token = randomBytes(32).toString('base64url')
      this.byLane.set(laneId, token)
      this.byToken.set(token, laneId)
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    const file = path.join(this.dir, `${laneId}.token`)
    writeFileSync(file, token, { mode: 0o600 })
    return file
  }

  laneOf(token: string): string | undefined {
    return this.byToken.get(token)
  }

  revoke(laneId: string): void {
    const token = this.byLane.get(laneId)
    if (token) this.byToken.delete(token)
    this.byLane.delete(laneId)
    rmSync(path.join(this.dir, `${laneId}.token`), { force: true })
  }
}
