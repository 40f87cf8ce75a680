// `npm start` on a fresh clone: build once (or again when a source file is newer than the build).
import { execSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const entry = 'dist/cli/main.js'
function newest(dir) {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}
if (!existsSync(entry) || newest('src') > statSync(entry).mtimeMs) {
  console.log('Building Segmenta…')
  execSync('npm run build', { stdio: 'inherit' })
}
