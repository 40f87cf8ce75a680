import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type APIRequestContext, type Browser, type Page, request } from '@playwright/test'
import { SMTPServer } from 'smtp-server'
import { test as base, expect } from './fixtures'
import { freePort } from './free-port'

/**
 * First run: a server of its own on an empty SQLite database (no demo, no mail server, one admin made with
 * `segmenta user add`), and an SMTP server of this spec that keeps the recipients and refuses one address.
 */
const ADMIN = { username: 'first-admin', password: 'first-admin-pass-1' }
const VIEWER = { username: 'first-viewer', password: 'first-viewer-pass-1' }
const REFUSED = 'nobody@first.example'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'dist', 'cli', 'main.js')
let dir = ''
let child: ChildProcess | undefined
let smtp: SMTPServer | undefined
let smtpPort = 0
let baseURL = ''
const received: string[] = []

const test = base.extend({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  baseURL: async ({}, use) => use(baseURL),
})
test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (address.address === REFUSED) {
        const err = new Error(`Mailbox ${REFUSED} unavailable`) as Error & { responseCode: number }
        err.responseCode = 550
        return cb(err)
      }
      cb()
    },
    onData(stream, session, done) {
      stream.resume()
      stream.on('end', () => {
        received.push(...session.envelope.rcptTo.map((a) => a.address))
        done()
      })
    },
  })
  smtpPort = await freePort()
  await new Promise<void>((res) => smtp?.listen(smtpPort, '127.0.0.1', () => res()))

  dir = mkdtempSync(join(tmpdir(), 'segmenta-first-run-'))
  const { SEGMENTA_SMTP_URL: _url, SEGMENTA_SMTP_FROM: _from, ...env } = process.env
  const dbEnv = { ...env, SEGMENTA_DB: `sqlite:${join(dir, 'first.db')}`, LOG_LEVEL: 'warn' }
  execFileSync(process.execPath, [cli, 'user', 'add', ADMIN.username, '--role', 'admin', '--password-stdin'], {
    env: dbEnv,
    input: `${ADMIN.password}\n`,
  })
  const port = await freePort()
  child = spawn(process.execPath, [cli, 'serve', '--port', String(port)], {
    env: dbEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Read what the server writes to stderr, so a full pipe never stalls it.
  child.stderr?.resume()
  await new Promise<void>((res, rej) => {
    let out = ''
    const timer = setTimeout(() => rej(new Error(`serve did not start: ${out}`)), 60_000)
    child?.stdout?.on('data', (d) => {
      out += d
      if (/is serving/.test(out)) {
        clearTimeout(timer)
        res()
      }
    })
  })
  baseURL = `http://127.0.0.1:${port}`
})

test.afterAll(async () => {
  if (child) {
    const exited = new Promise((res) => child?.once('exit', res))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))])
  }
  await new Promise<void>((res) => (smtp ? smtp.close(() => res()) : res()))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function api(): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL })
  const res = await ctx.post('/api/auth/login', { data: ADMIN })
  expect(res.status(), await res.text()).toBe(200)
  return ctx
}

async function send(ctx: APIRequestContext, method: 'post' | 'patch', path: string, data: unknown) {
  const res = await ctx[method](path, { data })
  expect(res.ok(), `${path}: ${res.status()} ${await res.text()}`).toBeTruthy()
  return res.json()
}

async function signIn(page: Page, user: { username: string; password: string }) {
  await page.goto('/')
  await page.getByLabel('User name').fill(user.username)
  await page.getByRole('textbox', { name: 'Password' }).fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByTestId('user-role')).toBeVisible()
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true })

const step = (page: Page, id: string) => page.getByTestId(`checklist-${id}`)

test('the home page of an empty database shows the getting-started checklist, ticking what is done', async ({
  page,
}) => {
  await signIn(page, ADMIN)
  const list = page.getByTestId('first-run-checklist')
  await expect(list.getByRole('heading', { name: 'Getting started' })).toBeVisible()
  for (const id of ['mail-server', 'salespeople', 'contacts', 'segment'])
    await expect(step(page, id)).toHaveAttribute('data-done', 'false')
  await expect(list.getByRole('link', { name: 'Marketing Setup' })).toHaveAttribute('href', '/setup/marketing')
  await expect(list.getByRole('link', { name: 'Salespeople' })).toHaveAttribute('href', '/setup/salespeople')
  await expect(list.getByRole('link', { name: 'Contacts' })).toHaveAttribute('href', '/contacts')
  await expect(list.getByRole('link', { name: 'Segments' })).toHaveAttribute('href', '/segments')
  await shot(page, 'first-run-01-checklist-empty')

  // A salesperson and a segment (still without contacts) tick their steps
  const ctx = await api()
  await send(ctx, 'post', '/api/salespeople', { code: 'AH', name: 'Annette Hill', email: 'ah@first.example' })
  await send(ctx, 'post', '/api/segments', { no: 'FIRST', description: 'First mailing', salespersonCode: 'AH' })
  await page.reload()
  await expect(step(page, 'salespeople')).toHaveAttribute('data-done', 'true')
  await expect(step(page, 'segment')).toHaveAttribute('data-done', 'true')
  await expect(step(page, 'mail-server')).toHaveAttribute('data-done', 'false')
  await expect(step(page, 'contacts')).toHaveAttribute('data-done', 'false')
  await shot(page, 'first-run-02-checklist-two-done')

  // The mail server step links to the setup
  await page.getByTestId('first-run-checklist').getByRole('link', { name: 'Marketing Setup' }).click()
  await expect(page.getByRole('heading', { name: 'Marketing Setup' })).toBeVisible()
  await expect(page.getByTestId('mail-server-status')).toHaveText('No mail server is configured')
  await ctx.dispose()
})

test('the Log dialog says no mail server is set up and logs without sending', async ({ page }) => {
  const ctx = await api()
  await send(ctx, 'post', '/api/languages', { code: 'ENU', name: 'English' })
  await send(ctx, 'post', '/api/interaction-groups', { code: 'MAILING', description: 'Mailings' })
  await send(ctx, 'post', '/api/interaction-templates', {
    code: 'NEWS',
    interactionGroupCode: 'MAILING',
    description: 'Newsletter',
    correspondenceTypeDefault: 'Email',
    informationFlow: 'Outbound',
    initiatedBy: 'Us',
    languageCodeDefault: 'ENU',
  })
  // The template's default language got its (empty) text row with the template: fill it in.
  await send(ctx, 'patch', '/api/interaction-templates/NEWS/languages/ENU', {
    subject: 'News for {{contact.name}}',
    body: 'Dear {{contact.name}}, here is our news.',
  })
  await send(ctx, 'patch', '/api/segments/FIRST', { interactionTemplateCode: 'NEWS' })

  // The first contact comes from an import started on the checklist; with it, the checklist has done its job
  await signIn(page, ADMIN)
  await page.getByTestId('first-run-checklist').getByRole('button', { name: 'import a CSV or Excel file' }).click()
  const importDialog = page.getByRole('dialog', { name: 'Import contacts' })
  await importDialog.locator('input[type=file]').setInputFiles({
    name: 'contacts.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('no,type,name,email\nCT1,Person,Rita Reader,rita@first.example\n'),
  })
  await importDialog.getByRole('button', { name: 'Import' }).click()
  await expect(importDialog.getByRole('status')).toHaveText('1 inserted, 0 updated, 0 rejected.')
  await importDialog.getByRole('button', { name: 'Close' }).click()
  await expect(page.getByTestId('count-Contacts')).toHaveText('1')
  await expect(page.getByTestId('first-run-checklist')).toHaveCount(0)

  const added = await send(ctx, 'post', '/api/segments/FIRST/add-contacts', { filters: { contact: { no: 'CT1' } } })
  expect(added.linesInserted).toBe(1)

  await page.goto('/segments/FIRST')
  await page.getByRole('button', { name: 'Log', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Log segment FIRST' })
  const warning = dialog.getByTestId('no-mail-server')
  await expect(warning).toContainText('No mail server is set up')
  await expect(warning).toContainText('1 line is to be e-mailed')
  await expect(warning.getByRole('link', { name: 'Set up the mail server' })).toHaveAttribute(
    'href',
    '/setup/marketing',
  )
  await shot(page, 'first-run-03-log-warning')

  await dialog.getByRole('button', { name: 'Log without sending' }).click()
  await expect(dialog.getByRole('status').first()).toContainText('Segment FIRST has been logged: 1 interactions')
  await expect(dialog.getByTestId('emails-not-sent')).toHaveText(
    '1 e-mail was not sent. Once a mail server is set up, Resend on the logged segment sends it.',
  )
  // Nothing else was to be delivered, so there is no progress to follow
  await expect(dialog.getByTestId('delivery')).toHaveCount(0)
  await shot(page, 'first-run-04-logged-without-sending')
  const entries = await (await ctx.get('/api/interaction-log-entries?filter[contactNo]=CT1')).json()
  expect(
    entries.items.map((e: { deliveryStatus: string; segmentNo: string }) => [e.segmentNo, e.deliveryStatus]),
  ).toEqual([['FIRST', 'Error']])
  expect(received).toEqual([])
  await ctx.dispose()
})

test("an admin sets up the mail server and sees the server's answer to a test e-mail; a viewer sees only the status", async ({
  page,
  browser,
}) => {
  await signIn(page, ADMIN)
  await page.goto('/setup/marketing')
  await expect(page.getByTestId('mail-server-status')).toHaveText('No mail server is configured')
  await expect(page.getByTestId('smtp-password-state')).toHaveText('Password: not set')
  const host = page.getByLabel('SMTP Server')
  await host.fill('127.0.0.1')
  await host.press('Tab')
  await expect(page.getByTestId('mail-server-status')).toHaveText('A mail server is configured')
  const port = page.getByLabel('SMTP Port (0: standard)')
  await port.fill(String(smtpPort))
  await port.press('Tab')
  const from = page.getByLabel('From Address')
  await from.fill('marketing@first.example')
  await from.press('Tab')
  await page.getByLabel('Password', { exact: true }).fill('a-secret-password')
  await page.getByRole('button', { name: 'Set password' }).click()
  await expect(page.getByTestId('smtp-password-state')).toHaveText('Password: set')
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')

  // The password is write-only: cleared again, it says so
  await page.getByRole('button', { name: 'Clear' }).click()
  await expect(page.getByTestId('smtp-password-state')).toHaveText('Password: not set')

  // The server accepts the test message and its answer is shown
  const dialog = page.getByRole('dialog', { name: 'Send test e-mail' })
  await page.getByRole('button', { name: 'Send test e-mail' }).click()
  await dialog.getByLabel('Send to').fill('admin@first.example')
  await dialog.getByRole('button', { name: 'Send' }).click()
  await expect(dialog.getByRole('status')).toHaveText('The mail server accepted the message250 OK: message queued')
  await shot(page, 'first-run-05-test-email-accepted')
  expect(received).toEqual(['admin@first.example'])

  // A refused address shows the server's error
  await dialog.getByLabel('Send to').fill(REFUSED)
  await dialog.getByRole('button', { name: 'Send' }).click()
  await expect(dialog.getByRole('alert')).toContainText(`550 Mailbox ${REFUSED} unavailable`)
  await shot(page, 'first-run-06-test-email-refused')
  await dialog.getByRole('button', { name: 'Close' }).click()

  // The e-mail logged without sending goes out with Resend now
  const ctx = await api()
  const logged = await (await ctx.get('/api/logged-segments?filter[segmentNo]=FIRST')).json()
  const resend = await send(ctx, 'post', `/api/logged-segments/${logged.items[0].entryNo}/resend`, {})
  expect(resend).toEqual({ status: 'queued', emails: 1, letters: 0 })
  await expect.poll(() => received).toEqual(['admin@first.example', 'rita@first.example'])

  // A viewer learns only whether a mail server is configured
  await send(ctx, 'post', '/api/users', { ...VIEWER, role: 'viewer', fullName: 'First viewer' })
  await ctx.dispose()
  await viewerSees(browser)
})

async function viewerSees(browser: Browser) {
  const context = await browser.newContext({ baseURL })
  const page = await context.newPage()
  await signIn(page, VIEWER)
  await page.goto('/setup/marketing')
  await expect(page.getByTestId('mail-server-status')).toHaveText('A mail server is configured')
  await expect(page.getByText('Logged segments can send their e-mails.')).toBeVisible()
  await expect(page.getByLabel('SMTP Server')).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Send test e-mail' })).toHaveCount(0)
  await shot(page, 'first-run-07-viewer-setup')
  await context.close()
}
