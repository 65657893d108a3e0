/** Electron IPC channel names, shared by the preload and main (no imports: the preload bundles this). */
export const IPC = {
  invoke: 'switchyard:invoke',
  subscribe: 'switchyard:subscribe',
  unsubscribe: 'switchyard:unsubscribe',
  event: 'switchyard:event',
} as const
