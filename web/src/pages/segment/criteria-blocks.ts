import type { BlockName } from '../../api/types'
import { CONTACT_TYPES, CORRESPONDENCE_TYPES, EVALUATIONS, type FieldDef, f, LINK_TO_TABLES } from '../../lib/fields'
import { CONTACT_FIELDS } from '../../lib/resources'

/** One criteria block of Add / Reduce / Refine Contacts (API.md §3) with its fields and BC's caption. */
export interface BlockDef {
  name: BlockName
  caption: string
  /** What the block is matched on, as a hint. */
  on: string
  fields: FieldDef[]
  /** Fields shown before the user adds any (BC's request page defaults). */
  defaults: string[]
}

const withLookup = (fd: FieldDef, lookup: string): FieldDef => ({ ...fd, lookup })

export const BLOCKS: BlockDef[] = [
  {
    name: 'contact',
    caption: 'Contact',
    on: 'the contact itself',
    fields: [
      ...CONTACT_FIELDS.map((x) => ({ ...x, readOnly: false, lookup: undefined })),
      f.code('searchName', 'Search Name'),
      f.text('middleName', 'Middle Name'),
    ].map((x) => (x.name === 'type' ? f.opt('type', 'Type', CONTACT_TYPES) : x)),
    defaults: ['no'],
  },
  {
    name: 'profileAnswer',
    caption: 'Contact Profile Answer',
    on: 'the contact',
    fields: [
      withLookup(f.code('profileQuestionnaireCode', 'Profile Questionnaire Code'), '/api/profile-questionnaires'),
      f.int('lineNo', 'Line No.'),
    ],
    defaults: ['profileQuestionnaireCode', 'lineNo'],
  },
  {
    name: 'mailingGroup',
    caption: 'Contact Mailing Group',
    on: 'the contact',
    fields: [withLookup(f.code('mailingGroupCode', 'Mailing Group Code'), '/api/mailing-groups')],
    defaults: ['mailingGroupCode'],
  },
  {
    name: 'interactionLogEntry',
    caption: 'Interaction Log Entry',
    on: 'the contact',
    fields: [
      f.date('date', 'Date'),
      f.code('segmentNo', 'Segment No.'),
      f.int('loggedSegmentEntryNo', 'Logged Segment Entry No.'),
      withLookup(f.code('campaignNo', 'Campaign No.'), '/api/campaigns'),
      f.opt('evaluation', 'Evaluation', EVALUATIONS),
      withLookup(f.code('interactionTemplateCode', 'Interaction Template Code'), '/api/interaction-templates'),
      withLookup(f.code('interactionGroupCode', 'Interaction Group Code'), '/api/interaction-groups'),
      withLookup(f.code('salespersonCode', 'Salesperson Code'), '/api/salespeople'),
      f.bool('canceled', 'Canceled'),
      f.opt('correspondenceType', 'Correspondence Type', CORRESPONDENCE_TYPES),
    ],
    defaults: ['date', 'interactionTemplateCode'],
  },
  {
    name: 'jobResponsibility',
    caption: 'Contact Job Responsibility',
    on: 'the person',
    fields: [withLookup(f.code('jobResponsibilityCode', 'Job Responsibility Code'), '/api/job-responsibilities')],
    defaults: ['jobResponsibilityCode'],
  },
  {
    name: 'industryGroup',
    caption: 'Contact Industry Group',
    on: "the contact's company",
    fields: [withLookup(f.code('industryGroupCode', 'Industry Group Code'), '/api/industry-groups')],
    defaults: ['industryGroupCode'],
  },
  {
    name: 'businessRelation',
    caption: 'Contact Business Relation',
    on: "the contact's company",
    fields: [
      withLookup(f.code('businessRelationCode', 'Business Relation Code'), '/api/business-relations'),
      f.opt('linkToTable', 'Link to Table', LINK_TO_TABLES),
    ],
    defaults: ['businessRelationCode'],
  },
  {
    name: 'valueEntry',
    caption: 'Value Entry',
    on: "the company's customer or vendor",
    fields: [
      f.code('itemNo', 'Item No.'),
      f.code('variantCode', 'Variant Code'),
      f.date('postingDate', 'Posting Date'),
      f.text('documentType', 'Document Type'),
      f.num('quantity', 'Quantity'),
      f.num('amount', 'Amount'),
    ],
    defaults: ['itemNo', 'postingDate'],
  },
]
