import type { ModelChoice } from '../../../shared/contract'

/** How long a profile's model list is kept: an agent's list changes with its version or login, rarely. */
export const MODELS_TTL_MS = 10 * 60_000

interface Entry {
  at: number
  models: Promise<ModelChoice[]>
}

/**
 * Each profile's model list, asked of its agent at most once per TTL: dialogs opening and closing do
 * not start a process each time, and concurrent asks share one. A failed ask is not kept.
 */
export class ModelCatalog {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly ask: (profileId: string) => Promise<ModelChoice[]>,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = MODELS_TTL_MS,
  ) {}

  list(profileId: string, refresh = false): Promise<ModelChoice[]> {
    const kept = this.entries.get(profileId)
    if (kept && !refresh && this.now() - kept.at < this.ttlMs) return kept.models
    const models = this.ask(profileId)
    const entry = { at: this.now(), models }
    this.entries.set(profileId, entry)
    models.catch(() => {
      if (this.entries.get(profileId) === entry) this.entries.delete(profileId)
    })
    return models
  }

  /** A profile edited (command, env) or removed lists anew. */
  forget(profileId: string): void {
    this.entries.delete(profileId)
  }
}
