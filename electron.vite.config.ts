import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { CSP } from './src/shared/csp'
import react from '@vitejs/plugin-react'


// Dev (HMR) needs inline scripts, so the CSP goes into the built page only.
const cspMeta: Plugin = {
  name: 'switchyard-csp',
  apply: 'build',
  // Written verbatim (Vite's tag injection would escape the quotes, which scanners then fail to read).
  transformIndexHtml: (html) => html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`),
}

export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: 'src/main/index.ts', server: 'src/main/server.ts', cli: 'src/main/cli/index.ts' } },
    },
  },
  preload: {
    // A sandboxed preload must be CommonJS.
    build: {
      externalizeDeps: false,
      rollupOptions: { input: { index: 'src/preload/index.ts' }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'src/renderer',
    // xterm + its WebGL renderer + React: one ~700 kB bundle, loaded from disk.
    // SWITCHYARD_NO_MINIFY=1: readable function names in profiles (bench/renderer.bench.mjs --profile).
    build: { minify: !process.env.SWITCHYARD_NO_MINIFY, chunkSizeWarningLimit: 1024, rollupOptions: { input: 'src/renderer/index.html' } },
    plugins: [react(), cspMeta],
  },
})
