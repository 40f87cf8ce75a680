import type { Selectable } from 'kysely'
import type { SegmentHeaderTable } from '../../db/schema.js'

/** The eight criteria blocks of Add/Reduce/Refine Contacts (API.md §3), in BC's order. */
export const BLOCK_NAMES = [
  'contact',
  'profileAnswer',
  'mailingGroup',
  'interactionLogEntry',
  'jobResponsibility',
  'industryGroup',
  'businessRelation',
  'valueEntry',
] as const
export type BlockName = (typeof BLOCK_NAMES)[number]

/** A step's criteria: block → field → BC filter expression. Missing or empty blocks set no condition. */
export type CriteriaFilters = Partial<Record<BlockName, Record<string, string>>>

export interface AddOptions {
  allowExistingContacts?: boolean
  expandCompanies?: boolean
  allowRelatedCompanies?: boolean
  ignoreExclusion?: boolean
}

export interface RemoveOptions {
  entireCompanies?: boolean
}

/** Who does a step (written to criteria and history rows). */
export interface Actor {
  username: string
}

export type SegmentHeaderRow = Selectable<SegmentHeaderTable>

/** BC's enum 5097 captions. */
export type CriteriaActionName = 'Add Contacts' | 'Remove Contacts (Reduce)' | 'Remove Contacts (Refine)'

/** One criteria action as GET /api/segments/{no}/criteria shows it. */
export interface CriteriaAction {
  actionNo: number
  action: CriteriaActionName
  allowExistingContacts: boolean
  expandCompanies: boolean
  allowRelatedCompanies: boolean
  ignoreExclusion: boolean
  entireCompanies: boolean
  filters: CriteriaFilters
  /** Readable filters, e.g. `Contact Industry Group: Industry Group Code: RETAIL|WHOLESALE`. */
  text: string
  at: string
  username: string
}

/** One segment history row as GET /api/segments/{no}/history shows it. */
export interface HistoryEntry {
  actionNo: number
  lineNo: number
  contactNo: string
  actionTaken: 'Insertion' | 'Deletion'
  at: string
  username: string
}
