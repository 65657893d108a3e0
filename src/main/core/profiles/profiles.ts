import { rmSync } from 'node:fs'
import { z } from 'zod'
import { Profile, ProfileFields, type MethodArgs } from '../../../shared/contract'
import { AppError } from '../errors'
import { newId } from '../ids'
import { PRESETS, presetOf, type AgentPreset } from '../agents/registry'
import { ensureProfileDir } from '../isolation/profile-dir'
import { readList, type KeyValueStore } from '../store'

/** Profiles that exist on first start: a shell and one per known agent. */
const BUILT_IN: Array<{ id: string } & z.input<typeof ProfileFields>> = [
  // A shell's state (cwd, jobs, history) is the user's work: never reap it unless they ask.
  { id: 'shell', kind: 'terminal', name: 'Shell', idleTimeoutMs: 0 },
  // An agent reaped when idle wakes with its conversation, so reaping costs little.
  ...PRESETS.map((p) => ({ id: p.id, kind: p.kind, name: p.name, command: p.command, args: p.args, preset: p.id })),
]

/** The preset a profile runs: its own, or the one agent of a single-agent kind. */
export function presetFor(profile: Profile): AgentPreset | undefined {
  return presetOf(profile.preset ?? (profile.kind === 'acp' || profile.kind === 'terminal' ? undefined : profile.kind))
}

/** Launch recipes, each with its private config directory under the data dir. */
export class Profiles {
  private items: Profile[]

  constructor(
    private readonly store: KeyValueStore,
    private readonly dataDir: string,
  ) {
    this.items = readList(store, 'profiles', Profile)
    for (const b of BUILT_IN) {
      if (!this.items.some((p) => p.id === b.id)) this.items.push(this.make(b.id, ProfileFields.parse(b), true))
    }
    // The data dir may have moved, or the dirs been deleted: recreate them where they belong.
    this.items = this.items.map((p) => ({ ...p, configDir: ensureProfileDir(dataDir, p.id) }))
    this.save()
  }

  list(): Profile[] {
    return [...this.items]
  }

  get(id: string): Profile {
    const p = this.items.find((x) => x.id === id)
    if (!p) throw new AppError('not_found', `No profile ${id}`)
    return p
  }

  create(fields: z.input<typeof ProfileFields>): Profile {
    const profile = this.make(newId('prof'), ProfileFields.parse(fields), false)
    this.items.push(profile)
    this.save()
    return profile
  }

  /**
   * A copy with its own, empty config dir (a second account of the same agent: log in there). Secrets are
   * not copied: they belong to the account.
   */
  duplicate(id: string, name?: string): Profile {
    const { id: _id, builtIn: _b, configDir: _c, ...fields } = this.get(id)
    return this.create({ ...fields, name: name ?? copyName(fields.name, this.items.map((p) => p.name)) })
  }

  update(id: string, patch: MethodArgs<'profiles.update'>['patch']): Profile {
    const current = this.get(id)
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    const next = Profile.parse({ ...current, ...defined })
    this.items = this.items.map((p) => (p.id === id ? next : p))
    this.save()
    return next
  }

  remove(id: string): void {
    const p = this.get(id)
    if (p.builtIn) throw new AppError('conflict', `${p.name} is built in and cannot be removed`)
    this.items = this.items.filter((x) => x.id !== id)
    rmSync(p.configDir, { recursive: true, force: true })
    this.save()
  }

  private make(id: string, fields: z.output<typeof ProfileFields>, builtIn: boolean): Profile {
    return { ...fields, id, builtIn, configDir: ensureProfileDir(this.dataDir, id) }
  }

  private save(): void {
    this.store.set('profiles', this.items)
  }
}

/** "Codex 2", "Codex 3" …: the first name not taken (a copy of "Codex 2" is "Codex 3"). */
export function copyName(name: string, taken: string[]): string {
  const base = name.replace(/ \d+$/, '')
  for (let n = 2; ; n++) if (!taken.includes(`${base} ${n}`)) return `${base} ${n}`.slice(0, 100)
}
