import { expect, test } from './fixtures'
import { installMockBridge } from './mock-bridge'
import { twelveLanes } from './twelve-lanes'

/**
 * Twelve lanes with usage and context fill, and the Usage panel over them, at the two window sizes
 * users work at. Screenshots go to the test output (and SCREENS_DIR if set).
 */
for (const [width, height] of [
  [1600, 1000],
  [1000, 700],
] as const) {
  test(`usage at ${width}×${height}: context fill in the headers, the ledger per day, workspace and lane`, async ({ page, server }) => {
    await page.setViewportSize({ width, height })
    const world = twelveLanes({ quiet: true })
    world.lanes = world.lanes.map((l, i) => (l.kind === 'codex' || l.kind === 'claude' ? { ...l, context: { usedTokens: 21_000 * (i + 1) * (i + 1), windowTokens: 258_400 } } : l))
    await installMockBridge(page, world)
    // The ledger as the server would sum it from these lanes' usage (the mock host has none of its own).
    await page.addInitScript(() => {
      const win = window as any
      const host = win.switchyard
      const invoke = host.invoke.bind(host)
      host.invoke = (method: string, input: unknown) => {
        if (method !== 'usage.ledger') return invoke(method, input)
        const lanes = win.__mock.world.lanes.filter((l: any) => l.usage)
        const sum = (rows: any[]) =>
          rows.reduce(
            (a, r) => ({ inputTokens: a.inputTokens + (r.usage.inputTokens ?? 0), outputTokens: a.outputTokens + (r.usage.outputTokens ?? 0), cachedInputTokens: a.cachedInputTokens + (r.usage.cachedInputTokens ?? 0), costUsd: a.costUsd + (r.usage.costUsd ?? 0) }),
            { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0 },
          )
        const row = (l: any) => ({ usage: sum([l]) })
        const spaces = [...new Set(lanes.map((l: any) => l.workspaceId))] as string[]
        return Promise.resolve({
          ok: true,
          value: {
            total: sum(lanes),
            lanes: lanes.map((l: any) => ({ laneId: l.id, workspaceId: l.workspaceId, kind: l.kind, title: l.title, reports: 3, ...row(l) })).reverse(),
            workspaces: spaces.map((id) => ({ workspaceId: id, usage: sum(lanes.filter((l: any) => l.workspaceId === id)) })),
            days: [
              { day: '2026-12-04', usage: sum(lanes.slice(0, 6)) },
              { day: '2026-12-03', usage: sum(lanes.slice(6)) },
            ],
          },
        })
      }
    })
    await page.goto(server.url)
    await expect(page.locator('.nav-lane')).toHaveCount(12)
    await page.screenshot({ path: test.info().outputPath(`workbench-${width}x${height}.png`) })
    if (process.env.SCREENS_DIR) await page.screenshot({ path: `${process.env.SCREENS_DIR}/profiles-workbench-${width}x${height}.png` })

    await page.keyboard.press('Control+k')
    await page.getByRole('combobox', { name: 'Search actions' }).fill('usage')
    await page.keyboard.press('Enter')
    const usage = page.getByRole('dialog', { name: 'Usage' })
    await expect(usage.getByRole('table', { name: 'By lane' }).locator('tbody tr')).toHaveCount(10) // every agent lane; terminals report none
    // The panel fits the window: no sideways scrolling.
    expect(await usage.locator('.usage-scroll').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0)
    await page.screenshot({ path: test.info().outputPath(`usage-${width}x${height}.png`) })
    if (process.env.SCREENS_DIR) await page.screenshot({ path: `${process.env.SCREENS_DIR}/profiles-usage-${width}x${height}.png` })
  })
}
