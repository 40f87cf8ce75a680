import { DEFAULT_INTERACTION_GROUPS, DEFAULT_NUMBER_SERIES } from '../setup/setup-defaults.js'

/** The setup and code tables of the demo company (Cronus Marketing). */

export const DEMO_USERNAME = 'demo'
export const DEMO_USER_SALESPERSON = 'AH'

/** A new company's series (src/setup/setup-defaults.ts): the demo loads over them unchanged. */
export const NUMBER_SERIES = DEFAULT_NUMBER_SERIES

export const MARKETING_SETUP = {
  contact_nos: 'CONT',
  segment_nos: 'SEG',
  campaign_nos: 'CAMP',
  default_salesperson_code: 'AH',
  default_language_code: 'ENU',
  default_correspondence_type: 'Email',
  default_country_region_code: 'US',
  inherit_salesperson_code: 1,
  inherit_language_code: 1,
  inherit_address_details: 1,
  inherit_communication_details: 1,
  bus_rel_code_for_customers: 'CUST',
  bus_rel_code_for_vendors: 'VEND',
}

export const LANGUAGES = [
  { code: 'ENU', name: 'English' },
  { code: 'DEU', name: 'German' },
  { code: 'FRA', name: 'French' },
  { code: 'DAN', name: 'Danish' },
]

export const SALESPEOPLE = [
  { code: 'AH', name: 'Annette Hill', email: 'annette.hill@cronus.example.com', phone_no: '+1 404 555 0100' },
  { code: 'JO', name: 'Jim Olive', email: 'jim.olive@cronus.example.com', phone_no: '+44 20 7946 0100' },
  { code: 'OF', name: 'Otis Falls', email: 'otis.falls@cronus.example.com', phone_no: '+49 30 55500100' },
  { code: 'PS', name: 'Peter Saddow', email: 'peter.saddow@cronus.example.com', phone_no: '+33 1 99 00 01 00' },
  { code: 'MH', name: 'Marty Horst', email: 'marty.horst@cronus.example.com', phone_no: '+45 33 01 00 00' },
]

export const INDUSTRY_GROUPS = [
  { code: 'RETAIL', description: 'Retail' },
  { code: 'WHOLESALE', description: 'Wholesale' },
  { code: 'MANUFACT', description: 'Manufacturing' },
  { code: 'SERVICES', description: 'Professional services' },
  { code: 'GOVERNMENT', description: 'Government and public sector' },
  { code: 'EDUCATION', description: 'Education' },
  { code: 'FINANCE', description: 'Banking and insurance' },
  { code: 'TRANSPORT', description: 'Transport and logistics' },
  { code: 'MEDIA', description: 'Media and publishing' },
  { code: 'HEALTH', description: 'Health care' },
]

export const MAILING_GROUPS = [
  { code: 'NEWSLETTER', description: 'Newsletter' },
  { code: 'XMAS-CARD', description: 'Christmas card' },
  { code: 'EVENTS', description: 'Event invitations' },
  { code: 'PROD-NEWS', description: 'Product news' },
  { code: 'WEBINAR', description: 'Webinar invitations' },
]

export const JOB_RESPONSIBILITIES = [
  { code: 'MANAGEMENT', description: 'Management' },
  { code: 'PURCHASE', description: 'Purchasing' },
  { code: 'SALES', description: 'Sales' },
  { code: 'IT', description: 'IT' },
  { code: 'MARKETING', description: 'Marketing' },
  { code: 'FINANCE', description: 'Finance and accounting' },
  { code: 'HR', description: 'Human resources' },
]

export const BUSINESS_RELATIONS = [
  { code: 'CUST', description: 'Customer' },
  { code: 'VEND', description: 'Vendor' },
  { code: 'PROSPECT', description: 'Prospect' },
  { code: 'PARTNER', description: 'Business partner' },
  { code: 'PRESS', description: 'Press' },
]

export const CAMPAIGN_STATUSES = [
  { code: '1-PLANNED', description: 'Planned' },
  { code: '2-STARTED', description: 'Started' },
  { code: '3-DONE', description: 'Done' },
  { code: '4-CANCELED', description: 'Canceled' },
]

export const INTERACTION_GROUPS = [
  ...DEFAULT_INTERACTION_GROUPS,
  { code: 'MEETING', description: 'Meetings' },
  { code: 'PHONE', description: 'Telephone calls' },
  { code: 'EVENT', description: 'Events' },
]

export interface QuestionnaireDef {
  code: string
  description: string
  contactType: 'Company' | 'Person'
  businessRelationCode: string
  questions: { text: string; multiple: boolean; answers: string[] }[]
}

/** Line numbers run 10000, 20000, … over questions and answers, as BC numbers them. */
export const QUESTIONNAIRES: QuestionnaireDef[] = [
  {
    code: 'CUSTOMER',
    description: 'Customer profile',
    contactType: 'Company',
    businessRelationCode: 'CUST',
    questions: [
      {
        text: 'Company size',
        multiple: false,
        answers: ['Small (1–49 employees)', 'Medium (50–249 employees)', 'Large (250+ employees)'],
      },
      { text: 'Customer since', multiple: false, answers: ['Before 2015', '2015–2020', 'After 2020'] },
      {
        text: 'Interested in',
        multiple: true,
        answers: ['Office furniture', 'Conference rooms', 'Lighting', 'Installation service'],
      },
      { text: 'Purchase frequency', multiple: false, answers: ['Monthly', 'Quarterly', 'Yearly'] },
    ],
  },
  {
    code: 'PERSONAL',
    description: 'Personal profile',
    contactType: 'Person',
    businessRelationCode: '',
    questions: [
      { text: 'Preferred contact time', multiple: false, answers: ['Morning', 'Afternoon', 'Evening'] },
      { text: 'Hobbies', multiple: true, answers: ['Golf', 'Tennis', 'Sailing', 'Cooking', 'Music', 'Travel'] },
      { text: 'Role in purchase decisions', multiple: false, answers: ['Decision maker', 'Influencer', 'User'] },
    ],
  },
]

/** Questionnaire lines with BC line numbers; answers keep the index of their question. */
export function questionnaireLines(q: QuestionnaireDef) {
  const lines: {
    line_no: number
    type: 'Question' | 'Answer'
    description: string
    multiple_answers: number
    question: number
  }[] = []
  let no = 0
  q.questions.forEach((question, qi) => {
    no += 10000
    lines.push({
      line_no: no,
      type: 'Question',
      description: question.text,
      multiple_answers: question.multiple ? 1 : 0,
      question: qi,
    })
    for (const a of question.answers) {
      no += 10000
      lines.push({ line_no: no, type: 'Answer', description: a, multiple_answers: 0, question: qi })
    }
  })
  return lines
}

export const CAMPAIGNS = {
  spring: { no: 'CP0001', description: 'Spring Product Launch', status_code: '2-STARTED', salesperson_code: 'AH' },
  golf: { no: 'CP0002', description: 'Customer Golf Event', status_code: '1-PLANNED', salesperson_code: 'JO' },
}
