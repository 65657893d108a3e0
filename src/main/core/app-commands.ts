import type { AppCommand } from '../../shared/contract'

/** Main → renderer requests (menus, tray, notifications, second launch), served as the `app.commands` stream. */
export class AppCommands {
  private readonly listeners = new Set<(c: AppCommand) => void>()
  emit(command: AppCommand): void {
    for (const l of this.listeners) l(command)
  }
  on(listener: (c: AppCommand) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
