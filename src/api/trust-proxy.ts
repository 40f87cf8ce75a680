import { isIP } from 'node:net'

/**
 * Which proxies in front of the server to believe about the client (Fastify's `trustProxy`): `false` (the socket's
 * peer is the client), `true` (every proxy: the left-most `X-Forwarded-For` address), a hop count, or the
 * addresses and CIDR ranges of the trusted proxies.
 */
export type TrustProxy = boolean | number | string[]

/**
 * The `trustProxy` option for Fastify. A hop count becomes a trust function: Fastify 5 ignores a plain number
 * (hop-count-only trust cannot tell a proxy from a client that reaches the server directly and sends the header
 * itself), so a count trusts the last `hops` addresses of the chain whoever sent them — as `true` trusts them all.
 * Both are for a server that only the proxy can reach; a list of proxy addresses is safe either way.
 */
export function fastifyTrustProxy(tp: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof tp !== 'number') return tp
  const hops = tp
  return (_address, hop) => hop < hops
}

/** Names proxy-addr (under Fastify's `trustProxy`) knows for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** Whether `entry` is an IPv4/IPv6 address, a CIDR range of one, or a range name such as `loopback`. */
function validEntry(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true
  const slash = entry.indexOf('/')
  const address = slash < 0 ? entry : entry.slice(0, slash)
  const family = isIP(address)
  if (!family) return false
  if (slash < 0) return true
  const bits = entry.slice(slash + 1)
  if (!/^\d{1,3}$/.test(bits)) return false
  return Number(bits) <= (family === 4 ? 32 : 128)
}

/**
 * Reads `SEGMENTA_TRUST_PROXY`: unset, empty or `false` = off (the default); `true`; a hop count (`1`: the one
 * proxy in front of the server); or a comma-separated list of proxy addresses and CIDR ranges
 * (`10.0.0.1, 192.168.0.0/16, loopback`). Anything else throws with a message naming the variable, so the
 * server refuses to start rather than guess.
 */
export function parseTrustProxy(value: string | undefined, name = 'SEGMENTA_TRUST_PROXY'): TrustProxy {
  const v = (value ?? '').trim()
  if (v === '' || v.toLowerCase() === 'false') return false
  if (v.toLowerCase() === 'true') return true
  if (/^\d+$/.test(v)) {
    const hops = Number(v)
    if (hops > 100) throw new Error(`${name}=${v}: a hop count must be from 0 to 100.`)
    return hops === 0 ? false : hops
  }
  const entries = v.split(',').map((s) => s.trim())
  const bad = entries.filter((e) => !validEntry(e))
  if (bad.length)
    throw new Error(
      `${name}=${v}: not an IP address or CIDR range: ${bad.map((b) => `"${b}"`).join(', ')}. Use false, true, ` +
        'a hop count (1), or a comma-separated list of proxy addresses and ranges (10.0.0.1,192.168.0.0/16).',
    )
  return entries
}
