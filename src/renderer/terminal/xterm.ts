import { Terminal, type ITerminalOptions } from '@xterm/xterm'
import { FitAddon } from '@xterm/addon-fit'
import { WebglAddon } from '@xterm/addon-webgl'
import '@xterm/xterm/css/xterm.css'
import { TERMINAL_SCROLLBACK } from '../../shared/terminal'

export type RendererKind = 'webgl' | 'dom'

export const terminalOptions: ITerminalOptions = {
  fontFamily: "'JetBrains Mono', 'SF Mono', SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace",
  fontSize: 13,
  lineHeight: 1.15,
  cursorBlink: true,
  scrollback: TERMINAL_SCROLLBACK,
  allowProposedApi: false,
  theme: {
    background: '#0f1216',
    foreground: '#d5dae1',
    cursor: '#8ab4f8',
    cursorAccent: '#0f1216',
    selectionBackground: '#2c4a7a',
    black: '#1b1f24',
    red: '#f0716e',
    green: '#8bd17c',
    yellow: '#e6c07b',
    blue: '#6fa8ff',
    magenta: '#c792ea',
    cyan: '#56c8d8',
    white: '#c9d1d9',
    brightBlack: '#5c6570',
    brightRed: '#ff8f8c',
    brightGreen: '#a8e69a',
    brightYellow: '#f5d28f',
    brightBlue: '#93bfff',
    brightMagenta: '#dcb1ff',
    brightCyan: '#7fdceb',
    brightWhite: '#f0f3f6',
  },
}

/** The terminal's colours in the light theme (the options above are the dark one). */
export const lightTerminalTheme: NonNullable<ITerminalOptions['theme']> = {
  background: '#fbfcfd',
  foreground: '#24292f',
  cursor: '#0969da',
  cursorAccent: '#fbfcfd',
  selectionBackground: '#b6d4fb',
  black: '#24292f',
  red: '#cf222e',
  green: '#1a7f37',
  yellow: '#9a6700',
  blue: '#0969da',
  magenta: '#8250df',
  cyan: '#1b7c83',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#116329',
  brightYellow: '#7d4e00',
  brightBlue: '#0550ae',
  brightMagenta: '#6639ba',
  brightCyan: '#136061',
  brightWhite: '#8c959f',
}

/** The colours for the page's theme (`data-theme` on <html>, set by the settings). */
function currentTheme(): ITerminalOptions['theme'] {
  return document.documentElement.dataset.theme === 'light' ? lightTerminalTheme : terminalOptions.theme
}

const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i

let hardwareWebgl: boolean | undefined

/**
 * Whether WebGL2 here runs on a GPU. Software GL (SwiftShader, llvmpipe: e.g. Chromium with
 * --disable-gpu, VMs) rasterizes on the CPU and is slower than xterm's DOM renderer, so it is not used.
 */
export function hasHardwareWebgl(): boolean {
  if (hardwareWebgl !== undefined) return hardwareWebgl
  hardwareWebgl = false
  try {
    const gl = document.createElement('canvas').getContext('webgl2')
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info')
      const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER))
      hardwareWebgl = !SOFTWARE_GL.test(renderer)
      gl.getExtension('WEBGL_lose_context')?.loseContext()
    }
  } catch {
    hardwareWebgl = false
  }
  return hardwareWebgl
}

export interface MountedTerminal {
  term: Terminal
  fit: FitAddon
  renderer(): RendererKind
  dispose(): void
}

/**
 * Opens an xterm in `container` with the fit addon, and the WebGL renderer when a GPU backs it
 * (falling back to the DOM renderer when it throws or loses its context). `onRenderer` reports which one draws.
 */
export function mountTerminal(container: HTMLElement, onRenderer: (kind: RendererKind) => void): MountedTerminal {
  const term = new Terminal({ ...terminalOptions, theme: currentTheme() })
  // Follow theme switches while open.
  const themeObserver = new MutationObserver(() => {
    const theme = currentTheme()
    if (term.options.theme !== theme) term.options.theme = theme
  })
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
  const fit = new FitAddon()
  term.loadAddon(fit)
  term.open(container)
  let kind: RendererKind = 'dom'
  let webgl: WebglAddon | undefined
  try {
    if (!hasHardwareWebgl()) throw new Error('no hardware WebGL')
    webgl = new WebglAddon()
    webgl.onContextLoss(() => {
      webgl?.dispose()
      webgl = undefined
      kind = 'dom'
      onRenderer(kind)
    })
    term.loadAddon(webgl)
    kind = 'webgl'
  } catch {
    webgl?.dispose()
    webgl = undefined
    kind = 'dom'
  }
  onRenderer(kind)
  return {
    term,
    fit,
    renderer: () => kind,
    dispose() {
      themeObserver.disconnect()
      webgl?.dispose()
      term.dispose()
    },
  }
}
