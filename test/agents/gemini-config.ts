/** Gemini CLI pointed at the fake LLM: API-key auth, and nothing that phones home, in the profile's `.gemini`. */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export function writeGeminiSettings(configDir: string): void {
  const dir = path.join(configDir, '.gemini')
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' } },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
    }),
  )
}
