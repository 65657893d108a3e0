import { useCallback, useRef, useState } from 'react'
import type { AgentInfo, AgentKind, ApprovalPolicy, Profile } from '../../shared/contract'
import type { Client } from '../host/client'

export const KIND_LABEL: Record<AgentKind, string> = {
  terminal: 'Terminal',
  codex: 'Codex',
  claude: 'Claude Code',
  pi: 'pi',
  acp: 'ACP agents',
}

const KIND_ORDER: readonly AgentKind[] = ['terminal', 'codex', 'claude', 'pi', 'acp']

export const POLICY_LABEL: Record<ApprovalPolicy, string> = {
  ask: 'Ask',
  auto_reads: 'Auto-approve reads',
  auto_all: 'Auto-approve all',
}

/** Profiles grouped by kind (in a fixed kind order), built-in ones first within a group. */
export function groupProfiles(profiles: readonly Profile[]): { kind: AgentKind; label: string; profiles: Profile[] }[] {
  return KIND_ORDER.map((kind) => ({
    kind,
    label: KIND_LABEL[kind],
    profiles: profiles
      .filter((p) => p.kind === kind)
      .sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.name.localeCompare(b.name)),
  })).filter((g) => g.profiles.length > 0)
}

/**
 * What detection knows about the agent a profile runs: its preset's agent, unless the profile runs
 * a command of its own (then detection, which looked for the preset's command, says nothing).
 */
export function agentFor(profile: Profile, agents: readonly AgentInfo[] | null): AgentInfo | undefined {
  if (!agents || profile.kind === 'terminal') return undefined
  const info = agents.find((a) => a.profileId === (profile.preset ?? profile.id))
  if (!info) return undefined
  if (profile.command && profile.command !== info.command) return undefined
  return info
}

/** The credential variables a profile's preset agent accepts (shown as secrets to fill). */
export function knownSecretsFor(profile: Profile, agents: readonly AgentInfo[] | null): string[] {
  if (!agents || profile.kind === 'terminal') return []
  return agents.find((a) => a.profileId === (profile.preset ?? profile.id))?.secrets ?? []
}

/** "Not installed: npm install -g …" for a profile whose agent detection did not find. */
export function missingHint(profile: Profile, agents: readonly AgentInfo[] | null): string | null {
  const info = agentFor(profile, agents)
  return info && !info.installed ? `Not installed: ${info.install}` : null
}

/** Which agent CLIs are installed: detected on demand (it runs each one's --version), kept meanwhile. */
export function useAgents(client: Client) {
  const [agents, setAgents] = useState<AgentInfo[] | null>(null)
  const [detecting, setDetecting] = useState(false)
  const inFlight = useRef<Promise<void> | null>(null)
  const detect = useCallback(() => {
    if (inFlight.current) return inFlight.current
    setDetecting(true)
    inFlight.current = client
      .call('agents.detect', {})
      .then(setAgents, () => {
        // Detection is a hint: without it the dialog still works.
      })
      .finally(() => {
        inFlight.current = null
        setDetecting(false)
      })
    return inFlight.current
  }, [client])
  return { agents, detecting, detect }
}

/** Kinds whose adapter passes a model on (its CLI's own spelling as the placeholder); ACP by session/set_model. */
export const MODEL_HINT: Partial<Record<AgentKind, string>> = {
  codex: 'gpt-5.1-codex',
  claude: 'sonnet, opus or a full id',
  pi: 'provider/model, e.g. anthropic/claude-sonnet-4',
  acp: "the agent's model id",
}
