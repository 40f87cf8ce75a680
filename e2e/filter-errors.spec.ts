import { adminApi, expect, server, shot, signIn, test } from './fixtures'

test('a bad filter expression shows its error at the field', async ({ page }) => {
  const s = server()
  await signIn(page, s.user, s.password)

  // List filter pane: the server's 400 names filter[postCode]; the message appears under Post Code.
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Contacts', exact: true })
    .click()
  await expect(page.getByTestId('list-row').first()).toBeVisible()
  await page.getByRole('button', { name: /^Filter/ }).click()
  const pane = page.getByRole('region', { name: 'Filters' })
  await pane.getByLabel('Post Code').fill('1..2..3')
  await expect(pane.getByLabel('Post Code')).toHaveAttribute('aria-invalid', 'true')
  await expect(pane.getByText(/Unexpected '\.\.'/)).toBeVisible()
  await shot(page, '20-list-filter-error')
  // A good expression clears the error and filters the list.
  await pane.getByLabel('Post Code').fill("<>''")
  await expect(pane.getByLabel('Post Code')).not.toHaveAttribute('aria-invalid', 'true')
  await pane.getByLabel('Name', { exact: true }).fill('@*corporation*')
  await expect(page.getByTestId('list-row').first()).toContainText(/corporation/i)

  // Criteria dialog: the preview's 400 names filters.industryGroup.industryGroupCode.
  const api = await adminApi()
  const res = await api.post('/api/segments', { data: { description: 'E2E filter errors' } })
  expect(res.status(), await res.text()).toBe(201)
  const segmentNo = (await res.json()).no as string
  await api.dispose()
  await page.goto(`/segments/${segmentNo}`)
  await page.getByRole('button', { name: 'Add Contacts' }).click()
  const dialog = page.getByRole('dialog', { name: /Add Contacts/ })
  const industry = dialog.getByRole('combobox', { name: 'Contact Industry Group Industry Group Code filter' })
  await industry.fill('RETAIL|')
  await expect(dialog.getByText(/Expected a value after '\|'/)).toBeVisible()
  await expect(industry).toHaveAttribute('aria-invalid', 'true')
  await shot(page, '21-criteria-filter-error')
  await industry.fill('RETAIL|WHOLESALE')
  await expect(industry).not.toHaveAttribute('aria-invalid', 'true')
  await expect(dialog.getByTestId('preview-count')).not.toHaveText('0')
  // Esc closes the lookup's suggestions, then the dialog, without adding anything.
  await industry.press('Escape')
  if (await dialog.isVisible()) await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(page.getByRole('tab', { name: 'Lines (0)' })).toBeVisible()
})
