import type { Locator, Page } from '@playwright/test'
import { adminApi, ensureUser, expect, server, shot, signIn, test } from './fixtures'

const MARKETER = { username: 'e2e-audit-marketer', password: 'marketer-pass-123' }
/** The list's columns, in order (web/src/lib/resources.ts, the audit-log resource). */
const COLUMNS = ['Entry No.', 'When (UTC)', 'User', 'Action', 'Target', 'Status', 'Details', 'Address']

test.beforeAll(async () => {
  const api = await adminApi()
  await ensureUser(api, MARKETER.username, 'marketer', MARKETER.password)
  await api.dispose()
})

const cell = (row: Locator, column: string) => row.getByRole('cell').nth(COLUMNS.indexOf(column))
const rows = (page: Page) => page.getByTestId('list-row')

test('an admin reads the audit log: its own sign-in and the contact it just created', async ({ page }) => {
  const s = server()
  await signIn(page, s.user, s.password)

  // A write to find in the log: a new company from the home page.
  await page.getByRole('button', { name: 'New contact' }).click()
  const dialog = page.getByRole('dialog', { name: 'New Contact' })
  await dialog.getByLabel('Name').fill('E2E Audit Company')
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(page.getByRole('heading', { name: /· E2E Audit Company$/ })).toBeVisible()
  const contactNo = decodeURIComponent(page.url().split('/').pop() ?? '')
  expect(contactNo).not.toBe('')

  const nav = page.getByRole('navigation', { name: 'Main navigation' })
  await nav.getByRole('link', { name: 'Audit Log', exact: true }).click()
  await expect(page).toHaveURL(/\/audit-log$/)
  await expect(page.getByRole('heading', { name: 'Audit Log' })).toBeVisible()
  await expect(page.getByRole('columnheader')).toHaveText(COLUMNS)

  // Newest first: the contact just created, and before it the sign-in of this page.
  const created = rows(page).nth(0)
  const login = rows(page).nth(1)
  await expect(cell(created, 'Action')).toHaveText('contacts.create')
  await expect(cell(created, 'User')).toHaveText(s.user)
  await expect(cell(created, 'Target')).toHaveText(contactNo)
  await expect(cell(created, 'Status')).toHaveText('201')
  await expect(cell(created, 'Address')).toHaveText('127.0.0.1')
  await expect(cell(created, 'Details')).toContainText('"name":"E2E Audit Company"')
  await expect(cell(created, 'Details')).toContainText(`"answer":{"no":"${contactNo}"`)
  await expect(cell(login, 'Action')).toHaveText('auth.login')
  await expect(cell(login, 'User')).toHaveText(s.user)
  await expect(cell(login, 'Target')).toHaveText(s.user)
  await expect(cell(login, 'Status')).toHaveText('200')
  await expect(cell(login, 'Address')).toHaveText('127.0.0.1')
  // The password that was sent is never kept.
  await expect(cell(login, 'Details')).toContainText(`"body":{"username":"${s.user}","password":"[redacted]"}`)
  await expect(cell(login, 'Details')).not.toContainText(s.password)
  await expect(cell(login, 'When (UTC)')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
  // One after the other: nothing came between the sign-in and the write.
  const createdId = Number(await cell(created, 'Entry No.').textContent())
  const loginId = Number(await cell(login, 'Entry No.').textContent())
  expect(createdId).toBe(loginId + 1)
  await shot(page, '50-audit-log')

  // Entries have no card: nothing to open, and a click stays on the list.
  await expect(created.getByRole('link')).toHaveCount(0)
  await created.click()
  await expect(page).toHaveURL(/\/audit-log$/)

  // Filtered by user and action, newest first.
  await page.getByRole('button', { name: /^Filter/ }).click()
  const filters = page.getByRole('region', { name: 'Filters' })
  await filters.getByRole('textbox', { name: 'User', exact: true }).fill(s.user)
  await filters.getByRole('textbox', { name: 'Action', exact: true }).fill('auth.login')
  await expect(cell(rows(page).first(), 'Entry No.')).toHaveText(String(loginId))
  const actions = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.children[3]?.textContent))
  expect(actions.length).toBeGreaterThan(0)
  expect(new Set(actions)).toEqual(new Set(['auth.login']))
  await filters.getByRole('textbox', { name: 'Action', exact: true }).fill('contacts.*')
  await expect(cell(rows(page).first(), 'Entry No.')).toHaveText(String(createdId))
  await expect(cell(rows(page).first(), 'Target')).toHaveText(contactNo)
  await filters.getByRole('textbox', { name: 'Target', exact: true }).fill(contactNo)
  await expect(rows(page)).toHaveCount(1)
  await expect(page.getByTestId('list-total')).toHaveText('1–1 of 1')
  await shot(page, '51-audit-log-filtered')
})

test('a marketer has no audit log: no menu entry, the page and the API refuse', async ({ page }) => {
  await signIn(page, MARKETER.username, MARKETER.password)
  await expect(page.getByTestId('user-role')).toHaveText('marketer')
  const nav = page.getByRole('navigation', { name: 'Main navigation' })
  await expect(nav.getByRole('link', { name: 'Contacts', exact: true })).toBeVisible()
  await expect(nav.getByRole('link', { name: 'Audit Log' })).toHaveCount(0)
  await page.goto('/audit-log')
  await expect(page.getByText('There is no such list, or your role may not see it.')).toBeVisible()
  await expect(rows(page)).toHaveCount(0)
  // The same session cookie, straight to the API.
  const res = await page.request.get('/api/audit-log')
  expect(res.status()).toBe(403)
  expect(await res.json()).toMatchObject({
    status: 403,
    code: 'FORBIDDEN',
    detail: 'The marketer role may not do this; it needs the admin role.',
  })
})
