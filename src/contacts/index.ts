/** The contacts slice: what other slices (segments, import/export, demo) may call. */
export {
  blankContact,
  CONTACT_COUNT_FIELDS,
  CONTACT_DETAIL_FIELDS,
  CONTACT_FIELDS,
  type Contact,
  type ContactDetail,
  type ContactRow,
  type ContactType,
} from './contact-fields.js'
export { inheritFromCompany, propagateToPersons } from './contact-inheritance.js'
export { calculatedName, nameBreakdown } from './contact-names.js'
export {
  addBusinessRelation,
  addCodeRelation,
  addProfileAnswer,
  BUSINESS_RELATION_FIELDS,
  CODE_RELATIONS,
  type CodeRelation,
  INDUSTRY_GROUPS,
  JOB_RESPONSIBILITIES,
  LINK_TO_TABLES,
  MAILING_GROUPS,
  PROFILE_ANSWER_FIELDS,
  removeBusinessRelation,
  removeCodeRelation,
  removeProfileAnswer,
} from './contact-relations.js'
export { registerContactRoutes } from './contact-routes.js'
export {
  type ContactContext,
  type ContactInput,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  selectContacts,
  toContact,
  updateContact,
} from './contacts.js'
