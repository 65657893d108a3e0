/**
 * Which of the local endpoint's connections are clients (a `--stdio` relay from a desktop, the CLI)
 * rather than a lane's own `switchyard mcp`: a connection counts until it scopes itself to a lane.
 */
import type { Socket } from 'node:net'
import { SCOPE_METHOD } from './local-access'
import type { ServeOptions } from './stream-transport'

export function countingClients(serve: (socket: Socket) => ServeOptions, open: () => (asClient?: boolean) => void): (socket: Socket) => ServeOptions {
  return (socket) => {
    const opts = serve(socket)
    const leave = open()
    socket.once('close', () => leave())
    return {
      ...opts,
      intercept: (method, input) => {
        const answer = opts.intercept?.(method, input)
        if (method !== SCOPE_METHOD || !answer) return answer
        return answer.then((r) => {
          if (r.ok) leave(false)
          return r
        })
      },
    }
  }
}
