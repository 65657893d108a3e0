import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { installPayloadRoot, payloadProblem } from '../../src/main/core/hosts/payload'

describe('the install payload', () => {
  it('is the checkout when not packaged, and app.asar.unpacked beside app.asar when packaged', () => {
    expect(installPayloadRoot({ packaged: false, appPath: '/src/switchyard', resourcesPath: '/x' })).toBe('/src/switchyard')
    expect(installPayloadRoot({ packaged: true, appPath: '/opt/Switchyard/resources/app.asar', resourcesPath: '/opt/Switchyard/resources' })).toBe('/opt/Switchyard/resources/app.asar.unpacked')
    // Without process.resourcesPath: app.asar's folder.
    expect(installPayloadRoot({ packaged: true, appPath: '/Applications/Switchyard.app/Contents/Resources/app.asar' })).toBe('/Applications/Switchyard.app/Contents/Resources/app.asar.unpacked')
  })

  it('says what is missing: build first in a checkout, reinstall in a packaged app', () => {
    const none = () => false
    const all = () => true
    expect(payloadProblem('/src/sy', all)).toBeNull()
    expect(payloadProblem('/src/sy', (p) => p.endsWith('package-lock.json'))).toBe(`${path.join('/src/sy', 'out/main/server.js')} is missing: build Switchyard first (npm run build)`)
    expect(payloadProblem('/r/app.asar.unpacked', none)).toBe(
      'This Switchyard installation lacks what it installs on hosts (/r/app.asar.unpacked/out/main/server.js, /r/app.asar.unpacked/package-lock.json): reinstall Switchyard, or run it from a checkout (npm start)',
    )
  })
})
