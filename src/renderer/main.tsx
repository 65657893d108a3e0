// The tokens and base rules first: every feature's sheet comes after them in the cascade.
import './ui/tokens.css'
import './ui/base.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { HostRoot } from './hosts/HostRoot'
import { BackgroundApp } from './background/BackgroundApp'
import { applyStoredTheme } from './settings/theme'
import { createWsBridge, wsUrlFor } from './host/ws-bridge'

// In Electron the preload provides the bridge; in a browser (server mode) it is a WebSocket.
const ws = window.switchyard ? undefined : createWsBridge({ url: wsUrlFor(window.location) })
const bridge = window.switchyard ?? ws!

applyStoredTheme()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* The tray's "New background agent…" window shows only its form. */}
    {new URLSearchParams(window.location.search).get('view') === 'background' ? <BackgroundApp bridge={bridge} /> : <HostRoot bridge={bridge} ws={ws} />}
  </StrictMode>,
)
