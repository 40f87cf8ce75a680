import type { ListPage, Problem } from './types'

/** An API error answer (problem+json), kept whole so the UI can show `errors` at their fields. */
export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.status = status
    this.problem = problem
  }
  get code(): string {
    return this.problem.code ?? ''
  }
  /** The message of the first error whose path is `path` or ends with `.path` / `[path]`. */
  fieldError(path: string): string | undefined {
    return fieldError(this, path)
  }
}

export function fieldError(err: unknown, path: string): string | undefined {
  if (!(err instanceof ApiError)) return undefined
  const hit = err.problem.errors?.find(
    (e) => e.path === path || e.path.endsWith(`.${path}`) || e.path === `body.${path}` || e.path === `query.${path}`,
  )
  return hit?.message
}

/** Any error as one line for a banner. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const list = err.problem.errors?.map((e) => `${e.path}: ${e.message}`).join('; ')
    return list ? `${err.message} (${list})` : err.message
  }
  if (err instanceof Error) return err.message
  return String(err)
}

type Listener = () => void
const unauthListeners = new Set<Listener>()
/** Called when any request answers 401, so the app shows the sign-in page. */
export function onUnauthenticated(l: Listener): () => void {
  unauthListeners.add(l)
  return () => unauthListeners.delete(l)
}

export type Query = Record<string, string | number | boolean | undefined | null>

export function queryString(q?: Query): string {
  if (!q) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.append(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}

/** The one fetch wrapper: JSON in and out, cookies, problem+json → ApiError. */
export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  opts: { query?: Query; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' }
  let payload: BodyInit | undefined
  if (typeof body === 'string') {
    headers['Content-Type'] = 'text/csv'
    payload = body
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const res = await fetch(path + queryString(opts.query), {
    method,
    headers,
    body: payload,
    credentials: 'same-origin',
    signal: opts.signal,
  })
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown
  try {
    data = text ? JSON.parse(text) : undefined
  } catch {
    data = { title: res.statusText, detail: text.slice(0, 300) }
  }
  if (!res.ok) {
    const problem = (data ?? { title: res.statusText }) as Problem
    if (res.status === 401 && path !== '/api/auth/login') for (const l of unauthListeners) l()
    throw new ApiError(res.status, problem)
  }
  return data as T
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  api<T>('GET', path, undefined, { query, signal })
export const post = <T>(path: string, body: unknown = {}, query?: Query) => api<T>('POST', path, body, { query })
export const patch = <T>(path: string, body: unknown, query?: Query) => api<T>('PATCH', path, body, { query })
export const del = (path: string) => api<void>('DELETE', path)

export interface ListRequest {
  limit?: number
  offset?: number
  sort?: string
  filters?: Record<string, string>
}

/** A list page (`GET /api/<collection>`): filters become `filter[field]=<BC expression>`. */
export function list<T>(path: string, req: ListRequest = {}, signal?: AbortSignal): Promise<ListPage<T>> {
  const q: Query = { limit: req.limit ?? 50, offset: req.offset ?? 0, sort: req.sort }
  for (const [k, v] of Object.entries(req.filters ?? {})) if (v.trim()) q[`filter[${k}]`] = v
  return get<ListPage<T>>(path, q, signal)
}

/** The number of rows matching filters, read from `total` of a one-row page. */
export async function count(path: string, filters?: Record<string, string>): Promise<number> {
  const page = await list(path, { limit: 1, filters })
  return page.total ?? 0
}

/** Encodes one key segment of a path. */
export const enc = (v: string | number) => encodeURIComponent(String(v))
