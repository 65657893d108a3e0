import { addWorkspace, expect, newLane, rpc, terminalLines, test, waitForOutput } from './fixtures'

const ROWS = 300_000

/** The row numbers a terminal shows, in screen order. */
function rowNumbers(lines: string[]): number[] {
  return lines.flatMap((l) => {
    const m = /^row (\d{8}) \.+$/.exec(l)
    return m ? [Number(m[1])] : []
  })
}

test('a flood is drawn from fresh snapshots, not parsed line by line: last screen, scrollback in order, lane still live', async ({ page, server, workspaceDir }) => {
  const sent: string[] = []
  let received = 0
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => sent.push(String(f.payload)))
    ws.on('framereceived', (f) => (received += f.payload.length))
  })
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page, { title: 'flood' })
  await waitForOutput(lane)
  const [record] = await rpc(server, 'lanes.list', {})
  const snapshots = () => sent.filter((s) => s.includes('"lanes.terminalSnapshot"')).length
  const before = snapshots()
  const receivedBefore = received

  // ~16 MB, far faster than anyone reads.
  await rpc(server, 'lanes.send', { laneId: record.id, input: `seq -f "row %08g ........................................" 1 ${ROWS}; echo done-$((6*7))\r` })
  const started = Date.now()
  await expect.poll(async () => (await terminalLines(lane)).includes('done-42'), { timeout: 60_000 }).toBe(true)
  console.log(`[flood] ~16 MB shown to its end ${Date.now() - started} ms after it was sent; the page received ${((received - receivedBefore) / 1e6).toFixed(1)} MB`)
  expect(snapshots()).toBeGreaterThan(before)
  expect(received - receivedBefore).toBeLessThan(16_000_000 / 4)
  // The last screen: the flood's last rows, consecutive, then the marker, once.
  const screen = await terminalLines(lane)
  const last = rowNumbers(screen)
  expect(last.at(-1)).toBe(ROWS)
  expect(last).toEqual(last.map((_, i) => ROWS - last.length + 1 + i))
  expect(screen.filter((l) => l === 'done-42')).toHaveLength(1)

  // The scrollback above it holds earlier rows, in order (a page of scrollback per Shift+PageUp).
  await lane.locator('.xterm').click()
  for (let i = 0; i < 60; i++) await page.keyboard.press('Shift+PageUp')
  await expect.poll(async () => rowNumbers(await terminalLines(lane))[0] ?? ROWS, { timeout: 10_000 }).toBeLessThan(ROWS - 2000)
  const earlier = rowNumbers(await terminalLines(lane))
  expect(earlier.length).toBeGreaterThan(10)
  expect(earlier).toEqual(earlier.map((_, i) => earlier[0] + i))

  // And the lane goes on live after it.
  await page.keyboard.type('echo after-$((2+2))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(lane)).includes('after-4')).toBe(true)
})
