import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SMTPServer } from 'smtp-server'
import { freePort } from './free-port'

/** Waits for the serve command to say where it serves and (first start) the demo user's password. */
function waitForServer(child: ChildProcess): Promise<{ url: string; user?: string; password?: string }> {
  return new Promise((res, rej) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => rej(new Error(`segmenta serve did not start within 90 s.\n${out}\n${err}`)), 90_000)
    child.stderr?.on('data', (d) => {
      err += d
    })
    child.stdout?.on('data', (d) => {
      out += d
      const serving = /is serving (http:\/\/\S+)/.exec(out)
      if (!serving) return
      clearTimeout(timer)
      const demo = /Sign in as "(.+?)" with the password: (\S+)/.exec(out)
      res({ url: serving[1], user: demo?.[1], password: demo?.[2] })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      rej(new Error(`segmenta serve exited with ${code} before serving.\n${out}\n${err}`))
    })
  })
}

/**
 * Starts the built server (`dist/cli/main.js`, and `web/dist` for the UI; this setup builds nothing) on a
 * free port with a temporary SQLite database and the demo company, plus an SMTP sink so delivery works,
 * and hands the base URL and the demo credentials to the specs through the environment.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const cli = join(root, 'dist', 'cli', 'main.js')
  if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first.')
  if (!existsSync(join(root, 'web', 'dist', 'index.html')))
    throw new Error('web/dist is missing: run `npm run build:web` (vite build --config web/vite.config.ts) first.')

  let mails = 0
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, done) {
      stream.resume()
      stream.on('end', () => {
        mails++
        done()
      })
    },
  })
  const smtpPort = await freePort()
  await new Promise<void>((res) => smtp.listen(smtpPort, '127.0.0.1', () => res()))

  const dir = mkdtempSync(join(tmpdir(), 'segmenta-e2e-'))
  const port = await freePort()
  const child = spawn(process.execPath, [cli, 'serve', '--port', String(port), '--demo-if-empty'], {
    cwd: root,
    env: {
      ...process.env,
      SEGMENTA_DB: `sqlite:${join(dir, 'e2e.db')}`,
      SEGMENTA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SEGMENTA_SMTP_FROM: 'marketing@cronus.example',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const server = await waitForServer(child)
  if (!server.password) throw new Error('The server did not print the demo password (was the database not empty?).')
  process.env.SEGMENTA_E2E_URL = server.url
  process.env.SEGMENTA_E2E_USER = server.user
  process.env.SEGMENTA_E2E_PASSWORD = server.password

  return async () => {
    const exited = new Promise((res) => child.once('exit', res))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))])
    await new Promise<void>((res) => smtp.close(() => res()))
    rmSync(dir, { recursive: true, force: true })
    console.log(`e2e: the SMTP sink received ${mails} e-mails.`)
  }
}
