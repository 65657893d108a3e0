import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * pi has no permission system of its own: without an extension that asks, "Ask" would ask nothing.
 * This is the project's gate (as pi's permission-gate example): it asks before every bash command,
 * and the lane shows the question as an approval. pi loads it from the profile's agent dir.
 */
export const PI_GATE_FILE = 'switchyard-gate.ts'

export const PI_GATE_EXTENSION = `// Installed by Switchyard: asks before every bash command (pi has no approvals of its own).
export default function (pi) {
  pi.on('tool_call', async (event, ctx) => {
    if (event.toolName !== 'bash') return undefined
    const choice = await ctx.ui.select('Allow this command?\\n\\n  ' + event.input.command, ['Allow', 'Block'])
    return choice === 'Allow' ? undefined : { block: true, reason: 'Blocked by the user' }
  })
}
`

/** Whether the profile's pi loads any extension (ours or one the user wrote, which may gate too). */
export function hasPiExtension(configDir: string): boolean {
  const dir = path.join(configDir, 'extensions')
  if (!existsSync(dir)) return false
  return readdirSync(dir).some((f) => /\.(ts|js|mjs)$/.test(f) || existsSync(path.join(dir, f, 'index.ts')))
}

export function installPiGate(configDir: string): void {
  const dir = path.join(configDir, 'extensions')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  writeFileSync(path.join(dir, PI_GATE_FILE), PI_GATE_EXTENSION, { mode: 0o600 })
}
