#!/usr/bin/env node
// The `node-gyp` that native dependencies' install scripts find first: npm puts the project's
// node_modules/.bin ahead of its own node-gyp on their PATH, and this package (a file: dependency of
// the project) links its bin there.
// better-sqlite3 first tries a prebuilt binary from GitHub and, failing that, compiles with node-gyp,
// which downloads Node's headers from nodejs.org unless told where they are. Networks that mirror only
// the npm registry reach neither, so when the running Node has its own headers beside it (Debian's
// /usr/include/node, the official tarballs' and nvm's <prefix>/include/node) and they are for this very
// version, compile against those. Otherwise leave node-gyp to do as it always does.
'use strict'
const { spawnSync } = require('node:child_process')
const { createRequire } = require('node:module')
const { existsSync, readFileSync } = require('node:fs')
const path = require('node:path')

function headersBesideNode() {
  const prefix = path.resolve(path.dirname(process.execPath), '..')
  const include = path.join(prefix, 'include', 'node')
  const versionHeader = path.join(include, 'node_version.h')
  if (!existsSync(path.join(include, 'common.gypi')) || !existsSync(versionHeader)) return null
  const text = readFileSync(versionHeader, 'utf8')
  const part = (name) => text.match(new RegExp(`#define ${name} (\\d+)`))?.[1]
  const version = `v${part('NODE_MAJOR_VERSION')}.${part('NODE_MINOR_VERSION')}.${part('NODE_PATCH_VERSION')}`
  return version === process.version ? prefix : null
}

// npm's own node-gyp, the one this file stands in for: npm names it to install scripts.
function npmNodeGyp() {
  const named = process.env.npm_config_node_gyp
  if (named && path.resolve(named) !== __filename) return named
  const npmCli = process.env.npm_execpath
  return (npmCli ? createRequire(npmCli) : require).resolve('node-gyp/bin/node-gyp.js')
}

const args = process.argv.slice(2)
const env = { ...process.env }
const told = env.npm_config_nodedir || env.npm_config_target || args.some((a) => /^--(nodedir|target)\b/.test(a))
if (!told) {
  const prefix = headersBesideNode()
  if (prefix) env.npm_config_nodedir = prefix
}
const run = spawnSync(process.execPath, [npmNodeGyp(), ...args], { stdio: 'inherit', env })
if (run.error) throw run.error
process.exit(run.status ?? 1)
