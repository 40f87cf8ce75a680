import { type APIRequestContext, test as base, expect, type Page, request } from '@playwright/test'

/** What the global setup started: the server's URL and the demo admin's credentials. */
export function server() {
  const url = process.env.SEGMENTA_E2E_URL
  if (!url)
    throw new Error(
      'SEGMENTA_E2E_URL is not set: run the specs with `npx playwright test` (global setup starts the server).',
    )
  return { url, user: process.env.SEGMENTA_E2E_USER ?? 'demo', password: process.env.SEGMENTA_E2E_PASSWORD ?? '' }
}

export const test = base.extend({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  baseURL: async ({}, use) => use(server().url),
})
export { expect }

/** An API client signed in as the demo admin (session cookie). */
export async function adminApi(): Promise<APIRequestContext> {
  const s = server()
  const api = await request.newContext({ baseURL: s.url })
  const res = await api.post('/api/auth/login', { data: { username: s.user, password: s.password } })
  expect(res.status(), await res.text()).toBe(200)
  return api
}

/** POSTs and accepts "already exists" (a spec run twice against one server). */
export async function ensure(api: APIRequestContext, path: string, data: unknown): Promise<void> {
  const res = await api.post(path, { data })
  if (res.status() === 409 || res.status() === 422) {
    const body = await res.text()
    if (/exist/i.test(body)) return
    throw new Error(`${path}: ${res.status()} ${body}`)
  }
  expect(res.ok(), `${path}: ${res.status()} ${await res.text()}`).toBeTruthy()
}

export async function ensureUser(
  api: APIRequestContext,
  username: string,
  role: string,
  password: string,
  salespersonCode = 'AH',
) {
  await ensure(api, '/api/users', { username, role, password, fullName: `E2E ${role}`, salespersonCode })
}

/** Signs in through the sign-in page and waits for the shell. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/')
  await page.getByLabel('User name').fill(username)
  await page.getByRole('textbox', { name: 'Password' }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByTestId('user-role')).toBeVisible()
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true })
}
