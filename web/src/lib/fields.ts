import type { Role } from '../api/types'

export type FieldType = 'text' | 'code' | 'number' | 'integer' | 'date' | 'boolean' | 'option' | 'timestamp'

/** One field of a resource as the web app shows it: list column, filter, and card input. */
export interface FieldDef {
  name: string
  label: string
  type: FieldType
  options?: readonly string[]
  /** Computed or managed by the server: shown, never edited. */
  readOnly?: boolean
  /** Written, never shown (passwords). */
  writeOnly?: boolean
  /** Typed into a password input. */
  secret?: boolean
  /** Long text (letter bodies): a growing text area; Enter is a new line. */
  multiline?: boolean
  /** API path of the code table to look values up in (e.g. '/api/salespeople'). */
  lookup?: string
  /** Key field: editable only when creating. */
  key?: boolean
  /** Not a filter or sort of the list (computed per row by the server). */
  noFilter?: boolean
  /** Column width hint in the list (px). */
  width?: number
}

export const CORRESPONDENCE_TYPES = ['', 'Hard Copy', 'Email'] as const
export const INFORMATION_FLOWS = ['', 'Outbound', 'Inbound'] as const
export const INITIATED_BY = ['', 'Us', 'Them'] as const
export const EVALUATIONS = ['', 'Very Positive', 'Positive', 'Neutral', 'Negative', 'Very Negative'] as const
export const CONTACT_TYPES = ['Company', 'Person'] as const
export const LINK_TO_TABLES = ['', 'Customer', 'Vendor'] as const

export const f = {
  code: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    type: 'code',
    ...extra,
  }),
  text: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    type: 'text',
    ...extra,
  }),
  num: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    type: 'number',
    ...extra,
  }),
  int: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    type: 'integer',
    ...extra,
  }),
  date: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    type: 'date',
    ...extra,
  }),
  bool: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    type: 'boolean',
    ...extra,
  }),
  opt: (name: string, label: string, options: readonly string[], extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    type: 'option',
    options,
    ...extra,
  }),
  ts: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    type: 'timestamp',
    readOnly: true,
    ...extra,
  }),
}

/** A hint of BC filter syntax for a field's type, shown as the filter input's placeholder. */
export function filterHint(fd: FieldDef): string {
  switch (fd.type) {
    case 'text':
      return '@*smith*'
    case 'code':
      return 'A|B, A*'
    case 'number':
    case 'integer':
      return '>0, 10..20'
    case 'date':
      return '2026-01-01..'
    case 'boolean':
      return 'true | false'
    case 'option':
      return (fd.options ?? []).filter(Boolean).slice(0, 2).join('|')
    case 'timestamp':
      return '2026-03*, 2026-03-01..2026-03-15'
  }
}

/** A value as list cells and read-only fields show it. */
export function display(fd: FieldDef | undefined, v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'boolean') return v ? 'Yes' : 'No'
  if (fd?.type === 'number' && typeof v === 'number') return v.toLocaleString(undefined, { maximumFractionDigits: 2 })
  if (fd?.type === 'timestamp' && typeof v === 'string') return v.replace('T', ' ').slice(0, 19)
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

export interface ChildDef {
  title: string
  /** Sub-collection below the record, e.g. `lines` → /api/profile-questionnaires/{code}/lines. */
  segment: string
  key: string
  fields: FieldDef[]
}

/** A collection the app lists (and, for code tables, edits on a generic card). */
export interface ResourceDef {
  id: string
  title: string
  singular: string
  /** API collection path. */
  path: string
  /** Web route of the list. */
  route: string
  key: string
  fields: FieldDef[]
  /** Field names shown as list columns (default: every field but write-only ones). */
  columns?: string[]
  defaultSort?: string
  /** Role needed to see the list (users: admin). */
  readRole?: Role
  /** Role needed to create/edit/delete. */
  writeRole?: Role
  /** The server numbers new records (key may be left blank). */
  numbered?: boolean
  /** Records are created elsewhere (logged segments, interaction entries): no New button. */
  noCreate?: boolean
  /** Rows have no card to open (audit log entries): the list is all there is. */
  noCard?: boolean
  children?: ChildDef[]
  group: 'main' | 'setup' | 'admin'
}
