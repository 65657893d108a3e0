import { useEffect, useState } from 'react'
import type { Bridge } from '../../shared/contract'
import type { HostBridge } from '../env'
import type { WsBridge } from '../host/ws-bridge'
import { dropOutcome, isFileDrag } from '../ui/drop'

/**
 * Folders dropped anywhere on the window become workspaces; returns whether a file drag is over the
 * window (for the drop overlay). Without the host's paths (a browser) `onNoPaths` explains.
 */
export function useFolderDrop(bridge: HostBridge | WsBridge | Bridge, addPath: (path: string) => Promise<boolean>, onNoPaths: () => void): boolean {
  const [dragging, setDragging] = useState(false)
  useEffect(() => {
    // Only the Electron preload can tell where a dropped file lives (a remote host's bridge cannot).
    const getPathForFile = 'getPathForFile' in bridge ? (f: File) => bridge.getPathForFile(f) : undefined
    let depth = 0
    const onDragEnter = (e: DragEvent) => {
      if (!isFileDrag(e.dataTransfer)) return
      depth++
      setDragging(true)
    }
    const onDragLeave = (e: DragEvent) => {
      if (!isFileDrag(e.dataTransfer)) return
      depth = Math.max(0, depth - 1)
      if (depth === 0) setDragging(false)
    }
    const onDragOver = (e: DragEvent) => {
      if (!isFileDrag(e.dataTransfer)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
    }
    const onDrop = (e: DragEvent) => {
      if (!isFileDrag(e.dataTransfer)) return
      e.preventDefault()
      depth = 0
      setDragging(false)
      const outcome = dropOutcome(Array.from(e.dataTransfer?.files ?? []), getPathForFile)
      if (outcome.kind === 'paths') for (const path of outcome.paths) void addPath(path)
      else if (outcome.kind === 'no-paths') onNoPaths()
    }
    window.addEventListener('dragenter', onDragEnter)
    window.addEventListener('dragleave', onDragLeave)
    window.addEventListener('dragover', onDragOver)
    window.addEventListener('drop', onDrop)
    return () => {
      window.removeEventListener('dragenter', onDragEnter)
      window.removeEventListener('dragleave', onDragLeave)
      window.removeEventListener('dragover', onDragOver)
      window.removeEventListener('drop', onDrop)
    }
  }, [bridge, addPath, onNoPaths])
  return dragging
}
