import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const wrapper = join(root, 'scripts/node-gyp-local-headers/node-gyp.cjs')
const dir = mkdtempSync(join(tmpdir(), 'segmenta-node-gyp-'))
// Stands in for npm's node-gyp: says which nodedir and arguments it was given.
const fake = join(dir, 'fake-node-gyp.cjs')
writeFileSync(
  fake,
  'console.log(JSON.stringify({ nodedir: process.env.npm_config_nodedir ?? null, args: process.argv.slice(2) }))',
)

/** Runs the wrapper as an install script would, with npm naming its own node-gyp. */
function run(args: string[], env: Record<string, string> = {}) {
  const { npm_config_nodedir: _, npm_config_target: __, ...base } = process.env
  const r = spawnSync(process.execPath, [wrapper, ...args], {
    env: { ...base, npm_config_node_gyp: fake, ...env },
    encoding: 'utf8',
  })
  return { status: r.status, out: JSON.parse(r.stdout) as { nodedir: string | null; args: string[] } }
}

// The headers beside the running Node, where Debian and the official tarballs put them.
const prefix = resolve(dirname(process.execPath), '..')
const hasHeaders = existsSync(join(prefix, 'include/node/common.gypi'))

describe('the node-gyp of native dependencies (scripts/node-gyp-local-headers)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.runIf(hasHeaders)(
    "runs npm's node-gyp against the headers beside the running Node, with the same arguments",
    () => {
      expect(run(['rebuild', '--release'])).toEqual({
        status: 0,
        out: { nodedir: prefix, args: ['rebuild', '--release'] },
      })
    },
  )

  it('leaves a nodedir or a target given by the user alone', () => {
    expect(run(['rebuild'], { npm_config_nodedir: '/opt/node-headers' })).toEqual({
      status: 0,
      out: { nodedir: '/opt/node-headers', args: ['rebuild'] },
    })
    expect(run(['rebuild', '--target=22.0.0'])).toEqual({
      status: 0,
      out: { nodedir: null, args: ['rebuild', '--target=22.0.0'] },
    })
  })
})
