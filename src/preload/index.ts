import { contextBridge, ipcRenderer, webUtils } from 'electron'
import type { Bridge, Result } from '../shared/contract'
import { IPC } from '../shared/ipc'

// The whole preload: a generic typed bridge (the contract gives it meaning) plus what only a preload can do.
const listeners = new Map<number, (event: unknown) => void>()
let nextSub = 1
ipcRenderer.on(IPC.event, (_e, sub: number, event: unknown) => listeners.get(sub)?.(event))

const bridge: Bridge & { getPathForFile(file: File): string } = {
  invoke: (method, input) => ipcRenderer.invoke(IPC.invoke, method, input),
  subscribe: (stream, input, onEvent, onError) => {
    const sub = nextSub++
    listeners.set(sub, onEvent)
    void ipcRenderer.invoke(IPC.subscribe, sub, stream, input).then((r: Result<null>) => {
      if (!r.ok) {
        listeners.delete(sub)
        onError?.(r.error)
      }
    })
    return () => {
      listeners.delete(sub)
      void ipcRenderer.invoke(IPC.unsubscribe, sub)
    }
  },
  getPathForFile: (file) => webUtils.getPathForFile(file),
}

contextBridge.exposeInMainWorld('switchyard', bridge)
