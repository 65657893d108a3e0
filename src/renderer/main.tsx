import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { createWsBridge, wsUrlFor } from './app/ws-bridge'
import './ui/app.css'

// In Electron the preload provides the bridge; in a browser (server mode) it is a WebSocket.
const ws = window.switchyard ? undefined : createWsBridge({ url: wsUrlFor(window.location) })
const bridge = window.switchyard ?? ws!

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App bridge={bridge} ws={ws} />
  </StrictMode>,
)
