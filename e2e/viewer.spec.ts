import { adminApi, ensureUser, expect, shot, test } from './fixtures'

const VIEWER = { username: 'e2e-viewer', password: 'viewer-pass-123' }

test.beforeAll(async () => {
  const api = await adminApi()
  await ensureUser(api, VIEWER.username, 'viewer', VIEWER.password)
  await api.dispose()
})

test('a viewer sees everything and can change nothing', async ({ page }) => {
  await page.goto('/')
  await page.getByLabel('User name').fill(VIEWER.username)
  await page.getByRole('textbox', { name: 'Password' }).fill(VIEWER.password)
  // Enter submits the sign-in form.
  await page.getByRole('textbox', { name: 'Password' }).press('Enter')
  await expect(page.getByTestId('user-role')).toHaveText('viewer')
  await expect(page.getByText('You can look at everything; changes need the marketer role.')).toBeVisible()
  await expect(page.getByRole('button', { name: 'New segment' })).toHaveCount(0)

  const nav = page.getByRole('navigation', { name: 'Main navigation' })
  await nav.getByRole('link', { name: 'Segments', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Segments' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'New', exact: true })).toHaveCount(0)
  await page.getByTestId('list-row').first().click()
  await expect(page.getByRole('heading', { name: /^Segment / })).toBeVisible()
  await expect(page.getByLabel('Description')).not.toBeEditable()
  await expect(page.getByLabel('Campaign Target')).toBeDisabled()
  for (const action of ['Add Contacts', 'Reduce', 'Refine', 'Go Back', 'Log', 'Segment ▾'])
    await expect(page.getByRole('button', { name: action, exact: true })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Export ▾' })).toBeVisible()
  await expect(page.getByRole('button', { name: /Delete line/ })).toHaveCount(0)
  await expect(page.getByLabel('Contact to add')).toHaveCount(0)
  await shot(page, '10-viewer-segment')

  await nav.getByRole('link', { name: 'Contacts', exact: true }).click()
  await page.getByTestId('list-row').first().click()
  await expect(page.getByLabel('Name', { exact: true })).not.toBeEditable()
  await expect(page.getByLabel('Correspondence Type', { exact: true })).toBeDisabled()
  await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0)
  await shot(page, '11-viewer-contact')

  // Users are for admins only: no menu entry, and the page refuses.
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0)
  await page.goto('/setup/users')
  await expect(page.getByText('your role may not see it')).toBeVisible()

  // Signing out returns to the sign-in page.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
})

test('on a narrow screen the navigation sits behind the burger', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto('/')
  await page.getByLabel('User name').fill(VIEWER.username)
  await page.getByRole('textbox', { name: 'Password' }).fill(VIEWER.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByTestId('user-role')).toBeVisible()
  const contacts = page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Contacts', exact: true })
  await expect(contacts).not.toBeInViewport()
  await page.getByRole('button', { name: 'Toggle navigation' }).click()
  await expect(contacts).toBeInViewport()
  await shot(page, '12-narrow-navigation')
  await contacts.click()
  await expect(page.getByRole('heading', { name: 'Contacts' })).toBeVisible()
  await expect(page.getByTestId('list-row').first()).toBeVisible()
  await shot(page, '13-narrow-contacts')
})
