import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { currentSchema, type Db } from '../db/connection.js'

/** The repository root (the CLI runs from here). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })

export interface Server {
  url: string
  child: ChildProcess
}

/** Starts `segmenta serve` from the sources on a free port (with `env` added) and waits until it listens. */
export async function startServer(dbUrl: string, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', '--db', dbUrl, 'serve', '--port', String(port), '--host', '127.0.0.1'],
    { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'fatal', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000)
    const onData = (d: Buffer) => {
      output += d.toString()
      if (output.includes('Segmenta is serving')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${output}`))
    })
  })
  child.removeAllListeners('exit')
  return { url: `http://127.0.0.1:${port}`, child }
}

export async function kill(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  server.child.kill('SIGKILL')
  await exited
}

/** Runs the CLI from the sources (as `segmenta …`) without blocking this process; resolves with what it printed. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.once('close', (status) => resolve({ status, stdout, stderr }))
  })
}

/**
 * The URL another process (server, CLI) opens a test database with: the SQLite file, or PostgreSQL with the test's
 * scratch schema as its search path (and an application name to find its sessions by, when given).
 */
export async function urlOf(db: Db, applicationName?: string): Promise<string> {
  if (db.dialect === 'sqlite') return db.url
  const schema = await currentSchema(db.kysely)
  const base = process.env.DATABASE_URL!
  const app = applicationName ? `&application_name=${applicationName}` : ''
  return `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}${app}`
}
