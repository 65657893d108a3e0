import { realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import { Workspace } from '../../../shared/contract'
import { AppError } from '../errors'
import { newId } from '../ids'
import { readList, type KeyValueStore } from '../store'

/** The folders the user added. A folder is added once, by its real path. */
export class Workspaces {
  private items: Workspace[]

  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {
    this.items = readList(store, 'workspaces', Workspace)
  }

  list(): Workspace[] {
    return [...this.items]
  }

  get(id: string): Workspace {
    const ws = this.items.find((w) => w.id === id)
    if (!ws) throw new AppError('not_found', `No workspace ${id}`)
    return ws
  }

  add(folder: string): Workspace {
    if (!path.isAbsolute(folder)) throw new AppError('invalid_input', `Not an absolute path: ${folder}`)
    let real: string
    try {
      real = realpathSync(folder)
      if (!statSync(real).isDirectory()) throw new AppError('invalid_input', `Not a folder: ${folder}`)
    } catch (err) {
      if (err instanceof AppError) throw err
      throw new AppError('not_found', `No such folder: ${folder}`)
    }
    const existing = this.items.find((w) => w.path === real)
    if (existing) return existing
    const ws: Workspace = { id: newId('ws'), name: path.basename(real) || real, path: real, addedAt: this.now() }
    this.items.push(ws)
    this.save()
    return ws
  }

  remove(id: string): void {
    this.get(id)
    this.items = this.items.filter((w) => w.id !== id)
    this.save()
  }

  private save(): void {
    this.store.set('workspaces', this.items)
  }
}
