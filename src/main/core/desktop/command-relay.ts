import type { AppCommand } from '../../../shared/contract'

/**
 * Serves `app.commands`, holding what is issued while no window listens (a notification clicked or
 * a folder opened while only the tray was up, a folder given on the command line at launch) and
 * handing it to the next window that subscribes once it has loaded.
 */
export class CommandRelay {
  private readonly listeners = new Set<(c: AppCommand) => void>()
  private pending: AppCommand[] = []

  constructor(private readonly limit = 20) {}

  emit(command: AppCommand): void {
    if (this.listeners.size === 0) {
      this.pending = [...this.pending, command].slice(-this.limit)
      return
    }
    for (const l of this.listeners) l(command)
  }

  subscribe(listener: (c: AppCommand) => void): () => void {
    this.listeners.add(listener)
    const held = this.pending
    this.pending = []
    for (const c of held) listener(c)
    return () => this.listeners.delete(listener)
  }
}
