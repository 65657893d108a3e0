import type { HostManager } from '../core/hosts/host-manager'
import type { Handlers, StreamSources } from './router'

type HostHandlers = Pick<Handlers, Extract<keyof Handlers, `hosts.${string}`>>
type HostStreams = Pick<StreamSources, Extract<keyof StreamSources, `hosts.${string}`>>

/** `hosts.*`: main's HostManager, which relays the rest of the contract to each host's core. */
export function createHostHandlers(hosts: HostManager): HostHandlers {
  return {
    'hosts.list': () => hosts.list(),
    'hosts.add': ({ destination, name }) => hosts.add(destination, name),
    'hosts.remove': ({ hostId }) => (hosts.remove(hostId), { ok: true as const }),
    'hosts.check': ({ hostId }) => hosts.check(hostId),
    'hosts.installPlan': async ({ hostId }) => {
      const { check: _check, ...plan } = await hosts.installPlan(hostId)
      return plan
    },
    'hosts.install': ({ hostId }) => hosts.install(hostId),
    'hosts.connect': ({ hostId }) => hosts.connect(hostId),
    'hosts.disconnect': ({ hostId }) => hosts.disconnect(hostId),
    'hosts.stopAll': ({ hostId }) => hosts.stopAll(hostId),
    'hosts.call': ({ hostId, method, input }) => hosts.call(hostId, method, input),
  }
}

export function createHostStreams(hosts: HostManager): HostStreams {
  return {
    'hosts.status': (_input, emit) => hosts.onStatus(emit),
    'hosts.events': ({ hostId, stream, input }, emit) => hosts.subscribe(hostId, stream, input, emit),
  }
}
