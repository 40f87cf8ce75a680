import { adminApi, expect, server, shot, signIn, test } from './fixtures'

test('the segment card asks BC’s questions and shows errors at their fields', async ({ page }) => {
  const api = await adminApi()
  const created = await api.post('/api/segments', {
    data: { description: 'E2E card', interactionTemplateCode: 'NEWSLETTER' },
  })
  expect(created.status(), await created.text()).toBe(201)
  const segmentNo = (await created.json()).no as string
  const added = await api.post(`/api/segments/${segmentNo}/add-contacts`, {
    data: { filters: { contact: { no: 'CT000001..CT000006' } } },
  })
  expect(added.status(), await added.text()).toBe(200)
  const lines = (await added.json()).noOfLines as number
  expect(lines).toBeGreaterThan(2)
  await api.dispose()

  const s = server()
  await signIn(page, s.user, s.password)
  await page.goto(`/segments/${segmentNo}`)
  await expect(page.getByTestId('segment-line')).toHaveCount(lines)

  // A code that does not exist: BC's error under the field, and no question asked.
  const template = page.getByRole('combobox', { name: 'Interaction Template Code' })
  await template.fill('NOPE')
  await template.press('Tab')
  await expect(
    page.getByText("The Interaction Template does not exist. Identification fields and values: Code='NOPE'"),
  ).toBeVisible()
  await expect(template).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByTestId('confirm-question')).toHaveCount(0)
  await template.fill('NEWSLETTER')
  await template.press('Tab')
  await expect(template).not.toHaveAttribute('aria-invalid', 'true')

  // A header field that propagates: BC's question, Yes updates the lines.
  const description = page.getByLabel('Description', { exact: true })
  await description.fill('E2E card renamed')
  await description.press('Enter')
  await expect(page.getByTestId('confirm-question')).toHaveText(
    'You have modified Description.\nDo you want to update the segment lines where the Interaction Template Code is NEWSLETTER?',
  )
  await shot(page, '30-update-lines-question')
  await page.getByRole('button', { name: 'Yes' }).click()
  await expect(page.getByRole('heading', { name: `Segment ${segmentNo}` })).toBeVisible()
  await expect(page.getByTestId('segment-line').first()).toContainText('E2E card renamed')

  // BC's enabling rule: Campaign Target only with a campaign; answering No leaves the lines alone.
  await expect(page.getByLabel('Campaign Target')).toBeDisabled()
  const campaign = page.getByRole('combobox', { name: 'Campaign No.' })
  await campaign.fill('CP0001')
  await campaign.press('Tab')
  await expect(page.getByTestId('confirm-question')).toContainText('You have modified Campaign No.')
  await page.getByRole('button', { name: 'No' }).click()
  await expect(page.getByLabel('Campaign Target')).toBeEnabled()
  await expect(page.getByTestId('segment-line').first()).not.toContainText('CP0001')

  // Lines: edit one in place, delete another.
  await page.getByRole('button', { name: 'Edit line 20000' }).click()
  const cell = page.getByRole('textbox', { name: 'Description' }).last()
  await cell.fill('Personal note')
  await cell.press('Enter')
  await page.getByRole('button', { name: 'Done editing line 20000' }).click()
  await expect(page.getByTestId('segment-line').nth(1)).toContainText('Personal note')
  await page.getByRole('button', { name: 'Delete line 10000' }).click()
  await expect(page.getByTestId('confirm-question')).toContainText('Do you want to delete line 10000')
  await page.getByRole('button', { name: 'Yes' }).click()
  await expect(page.getByTestId('segment-line')).toHaveCount(lines - 1)

  // Save the criteria, then reuse them: BC asks first (default No) because the segment has criteria.
  await page.getByRole('button', { name: 'Segment ▾' }).click()
  await page.getByRole('menuitem', { name: 'Save Criteria' }).click()
  const save = page.getByRole('dialog', { name: 'Save Segment Criteria' })
  await save.getByLabel('Code').fill('E2ECARD')
  await save.getByLabel('Description').fill('Adatum contacts')
  await save.getByLabel('Description').press('Enter')
  await expect(page.getByText('Saved the criteria as E2ECARD.')).toBeVisible()
  await page.getByRole('button', { name: 'Segment ▾' }).click()
  await page.getByRole('menuitem', { name: 'Reuse Criteria' }).click()
  const reuse = page.getByRole('dialog', { name: 'Reuse Criteria' })
  await reuse.getByRole('combobox', { name: 'Saved Segment Criteria' }).fill('E2ECARD')
  await reuse.getByRole('button', { name: 'OK' }).click()
  await expect(page.getByTestId('confirm-question')).toContainText(`Segment ${segmentNo} already contains`)
  await page.getByRole('button', { name: 'Yes' }).click()
  await expect(page.getByText(/criteria actions applied/)).toBeVisible()

  // Apply a mailing group to the segment's contacts.
  await page.getByRole('button', { name: 'Segment ▾' }).click()
  await page.getByRole('menuitem', { name: 'Apply Mailing Group' }).click()
  const apply = page.getByRole('dialog', { name: 'Apply Mailing Group' })
  await apply.getByRole('combobox', { name: 'Mailing Group Code' }).fill('EVENTS')
  await apply.getByRole('button', { name: 'OK' }).click()
  await expect(page.getByText(`Mailing Group EVENTS is now applied to Segment ${segmentNo}.`)).toBeVisible()
  await shot(page, '31-segment-card-after-actions')
})
