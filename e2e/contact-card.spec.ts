import { expect, server, shot, signIn, test } from './fixtures'

test('a contact card edits fields, groups, persons and profile answers', async ({ page }) => {
  const s = server()
  await signIn(page, s.user, s.password)

  // New company from the home page.
  await page.getByRole('button', { name: 'New contact' }).click()
  const dialog = page.getByRole('dialog', { name: 'New Contact' })
  await dialog.getByLabel('Name').fill('E2E Card Company')
  await dialog.getByLabel('Email').fill('hello@e2e-card.example')
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(page.getByRole('heading', { name: /· E2E Card Company$/ })).toBeVisible()
  const companyNo = decodeURIComponent(page.url().split('/').pop() ?? '')

  // A field saves when the user leaves it, and stays saved.
  await page.getByLabel('City').fill('Springfield')
  await page.getByLabel('City').press('Tab')
  await expect(page.getByLabel('City')).toHaveValue('Springfield')
  await page.reload()
  await expect(page.getByLabel('City')).toHaveValue('Springfield')

  // Industry group and mailing group on the company.
  await page.getByRole('tab', { name: 'Industry groups' }).click()
  await page.getByRole('combobox', { name: 'Industry Group Code' }).fill('RETAIL')
  await page.getByRole('button', { name: 'Add' }).click()
  await expect(page.getByRole('cell', { name: 'Retail', exact: true })).toBeVisible()
  await page.getByRole('tab', { name: 'Mailing groups' }).click()
  await page.getByRole('combobox', { name: 'Mailing Group Code' }).fill('NOSUCH')
  await page.getByRole('button', { name: 'Add' }).click()
  await expect(page.getByRole('combobox', { name: 'Mailing Group Code' })).toHaveAttribute('aria-invalid', 'true')
  await page.getByRole('combobox', { name: 'Mailing Group Code' }).fill('NEWSLETTER')
  await page.getByRole('button', { name: 'Add' }).click()
  await expect(page.getByRole('cell', { name: 'NEWSLETTER', exact: true })).toBeVisible()
  await page.getByRole('button', { name: 'Remove mailing group NEWSLETTER' }).click()
  await expect(page.getByTestId('confirm-question')).toHaveText('Do you want to remove mailing group NEWSLETTER?')
  await page.getByRole('button', { name: 'Yes' }).click()
  await expect(page.getByText('None.')).toBeVisible()

  // A person of the company, with a job responsibility and a profile answer.
  await page.getByRole('button', { name: 'New person' }).click()
  const person = page.getByRole('dialog', { name: 'New Contact' })
  await expect(person.getByLabel('Company No.')).toHaveValue(companyNo)
  await person.getByLabel('Name').fill('Robin Card')
  await person.getByRole('button', { name: 'Create' }).click()
  await expect(page.getByRole('heading', { name: /· Robin Card$/ })).toBeVisible()
  await expect(page.getByRole('link', { name: 'E2E Card Company' })).toBeVisible()
  await page.getByRole('tab', { name: 'Job responsibilities' }).click()
  await page.getByRole('combobox', { name: 'Job Responsibility Code' }).fill('SALES')
  await page.getByRole('button', { name: 'Add' }).click()
  await expect(page.getByRole('cell', { name: 'SALES', exact: true })).toBeVisible()
  await page.getByRole('tab', { name: 'Profile answers' }).click()
  await page.getByRole('combobox', { name: 'Profile Questionnaire Code' }).fill('PERSONAL')
  await page
    .getByRole('combobox', { name: 'Answer', exact: true })
    .selectOption({ label: 'Preferred contact time: Morning' })
  await page.getByRole('button', { name: 'Add' }).click()
  await expect(page.getByRole('cell', { name: 'Morning', exact: true })).toBeVisible()
  await shot(page, '40-person-card')

  // Back at the company, the person is listed.
  await page.getByRole('link', { name: 'E2E Card Company' }).click()
  await expect(page.getByRole('tab', { name: 'Persons' })).toBeVisible()
  await expect(page.getByTestId('list-row')).toContainText('Robin Card')

  // A demo contact's interaction history.
  await page.goto('/contacts/CT000002')
  await page.getByRole('tab', { name: 'Interactions' }).click()
  await expect(page.getByTestId('list-row').first()).toBeVisible()
  await page.getByRole('tab', { name: 'Segments' }).click()
  await shot(page, '41-contact-interactions')
})
