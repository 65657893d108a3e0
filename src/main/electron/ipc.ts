import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import type { Result } from '../../shared/contract'
import { IPC } from '../../shared/ipc'
import type { Router } from '../rpc/router'

/** Serves the router over ipcMain to our own top-level page only. */
export function serveIpc(router: Router, isAppUrl: (url: string) => boolean): void {
  const refused: Result<never> = { ok: false, error: { code: 'unsupported', message: 'Refused: this frame is not Switchyard' } }
  const trusted = (e: IpcMainInvokeEvent) => {
    const frame = e.senderFrame
    return frame !== null && frame === e.sender.mainFrame && isAppUrl(frame.url)
  }
  const subs = new Map<WebContents, Map<number, () => void>>()

  ipcMain.handle(IPC.invoke, (e, method: unknown, input: unknown) =>
    trusted(e) && typeof method === 'string' ? router.call(method, input) : refused,
  )
  ipcMain.handle(IPC.subscribe, (e, sub: unknown, stream: unknown, input: unknown) => {
    if (!trusted(e) || typeof sub !== 'number' || typeof stream !== 'string') return refused
    const wc = e.sender
    let mine = subs.get(wc)
    if (!mine) {
      const created = new Map<number, () => void>()
      subs.set(wc, (mine = created))
      wc.once('destroyed', () => {
        for (const end of created.values()) end()
        subs.delete(wc)
      })
    }
    mine.get(sub)?.()
    const result = router.subscribe(stream, input, (event) => {
      if (wc.isDestroyed()) return
      try {
        wc.send(IPC.event, sub, event)
      } catch (err) {
        // A window going away mid-send is that window's end, not the emitting lane's.
        console.warn(`switchyard: event not delivered to a window: ${(err as Error).message}`)
      }
    })
    if (!result.ok) return result
    mine.set(sub, result.value)
    return { ok: true, value: null }
  })
  ipcMain.handle(IPC.unsubscribe, (e, sub: unknown) => {
    const mine = subs.get(e.sender)
    if (typeof sub === 'number' && mine) {
      mine.get(sub)?.()
      mine.delete(sub)
    }
    return { ok: true, value: null }
  })
}
