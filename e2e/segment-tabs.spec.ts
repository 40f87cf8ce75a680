import { adminApi, expect, server, shot, signIn, test } from './fixtures'

test('the segment card pages its Criteria and History tabs', async ({ page }) => {
  // Given a segment of 22 criteria actions (each adds one contact) and 62 history rows.
  const api = await adminApi()
  const created = await api.post('/api/segments', { data: { description: 'E2E paged tabs' } })
  expect(created.status(), await created.text()).toBe(201)
  const segmentNo = (await created.json()).no as string
  const first = await api.post(`/api/segments/${segmentNo}/add-contacts`, {
    data: { filters: { contact: { no: 'CT000001..CT000041' } } },
  })
  expect(first.status(), await first.text()).toBe(200)
  for (let i = 0; i < 21; i++) {
    const r = await api.post(`/api/segments/${segmentNo}/add-contacts`, {
      data: { filters: { contact: { no: 'CT000001' } }, allowExistingContacts: true },
    })
    expect(r.status(), await r.text()).toBe(200)
  }
  const history = await (await api.get(`/api/segments/${segmentNo}/history?limit=1`)).json()
  const inserted = (await first.json()).linesInserted as number
  expect(history.total).toBe(inserted + 21)
  await api.dispose()

  const s = server()
  await signIn(page, s.user, s.password)
  await page.goto(`/segments/${segmentNo}`)

  // When the Criteria tab is opened, then it shows the first 20 actions and pages to the last two.
  await page.getByRole('tab', { name: 'Criteria (22)' }).click()
  await expect(page.getByTestId('criteria-total')).toHaveText('1–20 of 22 criteria actions')
  await expect(page.getByTestId('criteria-row')).toHaveCount(20)
  await page.getByRole('tabpanel').getByRole('button', { name: '2' }).click()
  await expect(page.getByTestId('criteria-total')).toHaveText('21–22 of 22 criteria actions')
  await expect(page.getByTestId('criteria-row')).toHaveCount(2)

  // When the History tab is opened, then it shows 50 rows at a time.
  await page.getByRole('tab', { name: 'History' }).click()
  const total = inserted + 21
  await expect(page.getByTestId('history-total')).toHaveText(`1–50 of ${total} history rows`)
  await expect(page.getByRole('table', { name: 'History' }).locator('tbody tr')).toHaveCount(50)
  await page.getByRole('tabpanel').getByRole('button', { name: '2' }).click()
  await expect(page.getByTestId('history-total')).toHaveText(`51–${total} of ${total} history rows`)
  await expect(page.getByRole('table', { name: 'History' }).locator('tbody tr')).toHaveCount(total - 50)
  await shot(page, '35-segment-history-page-2')
})
