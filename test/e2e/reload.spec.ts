import { addWorkspace, expect, newLane, rpc, terminalLines, test, waitForOutput } from './fixtures'

test('reloading the page shows the lanes and their earlier output again', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const first = await newLane(page, { title: 'alpha' })
  const second = await newLane(page, { title: 'beta' })
  await waitForOutput(first)
  await waitForOutput(second)

  await first.locator('.xterm').click()
  await page.keyboard.type('echo alpha-$((6*7))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(first)).includes('alpha-42')).toBe(true)
  await second.locator('.xterm').click()
  await page.keyboard.type('echo beta-$((6*8))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(second)).includes('beta-48')).toBe(true)

  await page.reload()

  const lanes = page.locator('.lane')
  await expect(lanes).toHaveCount(2)
  await expect(lanes.locator('.lane-title')).toHaveText(['alpha', 'beta'])
  await expect(page.locator('.workspace')).toHaveCount(1)
  // The transcript replays into each terminal, once, in its own lane.
  await expect.poll(async () => (await terminalLines(lanes.nth(0))).includes('alpha-42')).toBe(true)
  await expect.poll(async () => (await terminalLines(lanes.nth(1))).includes('beta-48')).toBe(true)
  const alpha = await terminalLines(lanes.nth(0))
  expect(alpha.filter((l) => l === 'alpha-42')).toHaveLength(1)
  expect(alpha.includes('beta-48')).toBe(false)

  // The lane still works after the reload.
  await lanes.nth(0).locator('.xterm').click()
  await page.keyboard.type('echo again-$((2+2))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(lanes.nth(0))).includes('again-4')).toBe(true)
})

test('a terminal with megabytes of history shows its last screen after a reload, from one snapshot', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page, { title: 'big' })
  await waitForOutput(lane)
  await lane.locator('.xterm').click()
  // ~5.5 MB of numbered rows, then a marker on the last screen.
  await page.keyboard.type('seq -f "row %08g ........................................" 1 100000; echo done-$((6*7))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(lane)).includes('done-42'), { timeout: 90_000 }).toBe(true)

  const sent: string[] = []
  const received: number[] = []
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => sent.push(String(f.payload)))
    ws.on('framereceived', (f) => received.push(f.payload.length))
  })
  await page.reload()
  const again = page.locator('.lane').first()
  const started = Date.now()
  await expect(again.locator('[data-lane-terminal]')).toHaveAttribute('data-renderer', 'dom')
  await expect
    .poll(async () => {
      const lines = await terminalLines(again)
      return lines.includes('done-42') && lines.some((l) => l.startsWith('row 00100000'))
    }, { timeout: 20_000 })
    .toBe(true)
  console.log(`[reload] last screen of a ~5.5 MB history shown ${Date.now() - started} ms after the reloaded page's first look`)
  // The screen came from one snapshot; the transcript was never replayed from its start.
  expect(sent.some((s) => s.includes('"lanes.terminalSnapshot"'))).toBe(true)
  expect(sent.filter((s) => s.includes('"lanes.transcript"') && /"after":0\b/.test(s))).toEqual([])
  expect(Math.max(...received)).toBeLessThan(4 * 1024 * 1024)
  // The scrollback holds earlier rows too, and the lane still works.
  await again.locator('.xterm').click()
  await page.keyboard.type('echo after-$((2+2))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(again)).includes('after-4')).toBe(true)
})

test('a terminal that reconnects megabytes behind redraws from a fresh snapshot instead of replaying them', async ({ page, server, workspaceDir }) => {
  // Every WebSocket goes through this route, so the test can cut the page off and let it back.
  let away = false
  const open = new Set<{ close: () => Promise<void> }>()
  await page.routeWebSocket(/\/ws/, (ws) => {
    if (away) return void ws.close()
    ws.connectToServer()
    open.add(ws)
  })
  const sent: string[] = []
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))))
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page, { title: 'away' })
  await waitForOutput(lane)
  const [record] = await rpc(server, 'lanes.list', {})

  away = true
  for (const ws of open) await ws.close()
  open.clear()
  await expect(page.getByText('Disconnected — reconnecting…')).toBeVisible({ timeout: 15_000 })
  // ~3 MB printed while the page is away: more than one transcript page.
  await rpc(server, 'lanes.send', { laneId: record.id, input: 'seq -f "away %08g ........................................" 1 60000; echo back-$((6*7))\r' })
  await expect
    .poll(async () => {
      const page = await rpc(server, 'lanes.terminalSnapshot', { laneId: record.id })
      return /^back-42/m.test(page.data.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, ''))
    }, { timeout: 30_000 })
    .toBe(true)
  const snapshotsBefore = sent.filter((s) => s.includes('"lanes.terminalSnapshot"')).length
  away = false

  await expect(page.getByText('Disconnected — reconnecting…')).toHaveCount(0, { timeout: 20_000 })
  await expect(lane.locator('[data-lane-terminal]')).toHaveAttribute('data-renderer', 'dom')
  await expect.poll(async () => (await terminalLines(lane)).includes('back-42'), { timeout: 20_000 }).toBe(true)
  expect(sent.filter((s) => s.includes('"lanes.terminalSnapshot"')).length).toBe(snapshotsBefore + 1)
  expect((await terminalLines(lane)).filter((l) => l === 'back-42')).toHaveLength(1)
})
