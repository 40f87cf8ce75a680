// `npm start` on a fresh clone: build the server and the web app once, and again when a source file is
// newer than its build.
import { execSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

function newest(dir) {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}
const stale = (src, built) => !existsSync(built) || newest(src) > statSync(built).mtimeMs

if (stale('src', 'dist/cli/main.js')) {
  console.log('Building the Segmenta server…')
  execSync('npm run build:server', { stdio: 'inherit' })
}
if (stale('web/src', 'web/dist/index.html')) {
  console.log('Building the Segmenta web app…')
  execSync('npm run build:web -- --logLevel warn', { stdio: 'inherit' })
}
