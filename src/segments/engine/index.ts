/** The segment engine: criteria steps, history, Go Back and the line values they share. */
export { addContacts, addSelection } from './add-contacts.js'
export { compileMatch } from './compile-criteria.js'
export { BLOCKS, type BlockDef, type BlockField } from './criteria-blocks.js'
export { criteriaText, listCriteria, recordAction } from './criteria-log.js'
export { goBack } from './go-back.js'
export { deleteRecordedLines, listHistory, recordDeletions } from './history.js'
export { type ContactCondition, insertLinesForContacts } from './insert-lines.js'
export { type LineStatistics, lineStatistics } from './line-statistics.js'
export { previewStep } from './preview.js'
export { removeContacts } from './remove-contacts.js'
export { countCriteriaActions, countLines, deleteSegmentRows, getSegment, lockSegment } from './segment-state.js'
export type {
  Actor,
  AddOptions,
  BlockName,
  CriteriaAction,
  CriteriaActionName,
  CriteriaFilters,
  HistoryEntry,
  RemoveOptions,
  SegmentHeaderRow,
} from './types.js'
export { exactFilter, validateFilters } from './validate-filters.js'
