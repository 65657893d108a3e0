import { execFileSync } from 'node:child_process'

/** Installs the pinned real CLIs (cached outside node_modules) before the tier runs. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/install-agents.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] })
}
