import { expect, test } from './fixtures'

const NEEDS_TOKEN = 'This link needs its token — copy the full URL the server printed.'

test('a page opened without its token says so instead of reconnecting forever', async ({ page, server }) => {
  const { origin } = new URL(server.url)
  await page.goto(`${origin}/`)
  await expect(page.getByRole('alert')).toHaveText(NEEDS_TOKEN)
  await expect(page.getByText('Disconnected — reconnecting…')).toHaveCount(0)
})

test("a token from an earlier run of the server (or a mistyped one) gets the same sentence", async ({ page, server }) => {
  const { origin } = new URL(server.url)
  await page.goto(`${origin}/?token=from-yesterday`)
  await expect(page.getByRole('alert')).toHaveText(NEEDS_TOKEN)
})

test('the full URL connects, and a server that goes away is "reconnecting", not a token problem', async ({ page, server }) => {
  await page.goto(server.url)
  await expect(page.locator('.sidebar')).toBeVisible()
  await expect(page.locator('.banner')).toHaveCount(0)
  await server.stop()
  await expect(page.getByRole('status').filter({ hasText: 'Disconnected — reconnecting…' })).toBeVisible()
  await expect(page.getByRole('alert')).toHaveCount(0)
})
