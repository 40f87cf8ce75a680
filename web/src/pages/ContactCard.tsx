import { Alert, Anchor, Badge, Button, Card, Loader, Stack, Tabs, Text } from '@mantine/core'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { del, enc, errorText, list } from '../api/api'
import type { Contact, Row } from '../api/types'
import { CardHeader } from '../components/CardHeader'
import { ListView } from '../components/ListView'
import { NEW_CONTACT_FIELDS, NewRecordDialog } from '../components/NewDialogs'
import { ProfileAnswerForm } from '../components/ProfileAnswerForm'
import { RecordFields } from '../components/RecordFields'
import { RelationPanel } from '../components/RelationPanel'
import { useRecord } from '../components/useRecord'
import { useCan } from '../lib/auth'
import { useConfirm } from '../lib/confirm'
import { f, LINK_TO_TABLES } from '../lib/fields'
import { notify } from '../lib/notify'
import { CONTACT_FIELDS, INTERACTION_FIELDS, resource } from '../lib/resources'
import { Link, navigate } from '../lib/router'

const DESC = f.text('description', 'Description')

/** The open segments a contact is on (GET /api/segment-lines?filter[contactNo]=…). */
function SegmentsOfContact({ contactNo }: { contactNo: string }) {
  const q = useQuery({
    queryKey: ['list', '/api/segment-lines', contactNo],
    queryFn: () => list<Row>('/api/segment-lines', { limit: 100, filters: { contactNo }, sort: 'segmentNo' }),
    retry: false,
  })
  if (q.isPending) return <Loader size="sm" />
  if (q.isError) return <Alert color="red">{errorText(q.error)}</Alert>
  if (!q.data.items.length)
    return (
      <Text size="sm" c="dimmed">
        The contact is on no open segment.
      </Text>
    )
  return (
    <Stack gap={4}>
      {q.data.items.map((l) => (
        <Text size="sm" key={`${String(l.segmentNo)}-${String(l.lineNo)}`}>
          <Anchor component={Link} href={`/segments/${enc(String(l.segmentNo))}`}>
            {String(l.segmentNo)}
          </Anchor>{' '}
          {String(l.segmentDescription ?? l.description ?? '')} (line {String(l.lineNo)})
        </Text>
      ))}
    </Stack>
  )
}

export default function ContactCard({ no }: { no: string }) {
  const canWrite = useCan('marketer')
  const confirm = useConfirm()
  const qc = useQueryClient()
  const path = `/api/contacts/${enc(no)}`
  const rec = useRecord<Contact>(path, '/api/contacts')
  const [newPerson, setNewPerson] = useState(false)
  if (rec.isPending) return <Loader />
  if (rec.isError) return <Alert color="red">{errorText(rec.error)}</Alert>
  const c = rec.data
  const isCompany = c.type === 'Company'
  const remove = async () => {
    if (!(await confirm(`Do you want to delete contact ${c.no} ${c.name}?`))) return
    try {
      await del(path)
      await qc.invalidateQueries({ queryKey: ['list', '/api/contacts'] })
      notify(`Contact ${c.no} deleted.`)
      navigate('/contacts')
    } catch (e) {
      notify(errorText(e), 'red')
    }
  }
  const rel = (segment: string) => `${path}/${segment}`
  return (
    <Stack>
      <CardHeader
        listHref="/contacts"
        listTitle="Contacts"
        title={`${c.no} · ${c.name}`}
        subtitle={
          <>
            <Badge variant="light" mr="xs">
              {c.type}
            </Badge>
            {!isCompany && c.companyNo && (
              <Anchor component={Link} href={`/contacts/${enc(c.companyNo)}`} size="sm">
                {c.companyName || c.companyNo}
              </Anchor>
            )}
          </>
        }
        actions={
          canWrite ? (
            <>
              {isCompany && (
                <Button size="xs" variant="default" onClick={() => setNewPerson(true)}>
                  New person
                </Button>
              )}
              <Button size="xs" color="red" variant="light" onClick={remove}>
                Delete
              </Button>
            </>
          ) : null
        }
      />
      <Card withBorder>
        <RecordFields
          fields={CONTACT_FIELDS}
          record={c as unknown as Row}
          canEdit={canWrite}
          isEditable={(fd) => !(fd.name === 'companyNo' && isCompany)}
          onSave={(fd, v) => rec.save({ [fd.name]: v })}
        />
      </Card>
      <Card withBorder>
        <Tabs defaultValue={isCompany ? 'persons' : 'mailing'} keepMounted={false}>
          <Tabs.List>
            {isCompany && <Tabs.Tab value="persons">Persons</Tabs.Tab>}
            <Tabs.Tab value="mailing">Mailing groups</Tabs.Tab>
            {isCompany && <Tabs.Tab value="industry">Industry groups</Tabs.Tab>}
            {isCompany && <Tabs.Tab value="business">Business relations</Tabs.Tab>}
            {!isCompany && <Tabs.Tab value="jobs">Job responsibilities</Tabs.Tab>}
            <Tabs.Tab value="profile">Profile answers</Tabs.Tab>
            <Tabs.Tab value="interactions">Interactions</Tabs.Tab>
            <Tabs.Tab value="segments">Segments</Tabs.Tab>
          </Tabs.List>
          <Stack pt="md">
            {isCompany && (
              <Tabs.Panel value="persons">
                <ListView
                  stateKey={`persons:${c.no}`}
                  path="/api/contacts"
                  fields={CONTACT_FIELDS}
                  columns={['no', 'name', 'jobTitle', 'email', 'phoneNo']}
                  fixedFilters={{ companyNo: c.no, type: 'Person' }}
                  rowHref={(r) => `/contacts/${enc(String(r.no))}`}
                  embedded
                  pageSize={25}
                />
              </Tabs.Panel>
            )}
            <Tabs.Panel value="mailing">
              <RelationPanel
                path={rel('mailing-groups')}
                columns={[f.code('mailingGroupCode', 'Mailing Group Code'), DESC]}
                deleteKey={(r) => enc(String(r.mailingGroupCode))}
                describe={(r) => `mailing group ${String(r.mailingGroupCode)}`}
                addFields={[f.code('mailingGroupCode', 'Mailing Group Code', { lookup: '/api/mailing-groups' })]}
                canWrite={canWrite}
              />
            </Tabs.Panel>
            {isCompany && (
              <Tabs.Panel value="industry">
                <RelationPanel
                  path={rel('industry-groups')}
                  columns={[f.code('industryGroupCode', 'Industry Group Code'), DESC]}
                  deleteKey={(r) => enc(String(r.industryGroupCode))}
                  describe={(r) => `industry group ${String(r.industryGroupCode)}`}
                  addFields={[f.code('industryGroupCode', 'Industry Group Code', { lookup: '/api/industry-groups' })]}
                  canWrite={canWrite}
                />
              </Tabs.Panel>
            )}
            {isCompany && (
              <Tabs.Panel value="business">
                <RelationPanel
                  path={rel('business-relations')}
                  columns={[
                    f.code('businessRelationCode', 'Business Relation Code'),
                    DESC,
                    f.opt('linkToTable', 'Link to Table', LINK_TO_TABLES),
                    f.code('linkNo', 'No.'),
                  ]}
                  deleteKey={(r) => enc(String(r.businessRelationCode))}
                  describe={(r) => `business relation ${String(r.businessRelationCode)}`}
                  addFields={[
                    f.code('businessRelationCode', 'Business Relation Code', { lookup: '/api/business-relations' }),
                    f.opt('linkToTable', 'Link to Table', LINK_TO_TABLES),
                    f.code('linkNo', 'No.'),
                  ]}
                  canWrite={canWrite}
                />
              </Tabs.Panel>
            )}
            {!isCompany && (
              <Tabs.Panel value="jobs">
                <RelationPanel
                  path={rel('job-responsibilities')}
                  columns={[f.code('jobResponsibilityCode', 'Job Responsibility Code'), DESC]}
                  deleteKey={(r) => enc(String(r.jobResponsibilityCode))}
                  describe={(r) => `job responsibility ${String(r.jobResponsibilityCode)}`}
                  addFields={[
                    f.code('jobResponsibilityCode', 'Job Responsibility Code', { lookup: '/api/job-responsibilities' }),
                  ]}
                  canWrite={canWrite}
                />
              </Tabs.Panel>
            )}
            <Tabs.Panel value="profile">
              <RelationPanel
                path={rel('profile-answers')}
                columns={[
                  f.code('profileQuestionnaireCode', 'Questionnaire'),
                  f.int('lineNo', 'Line No.'),
                  f.text('question', 'Question'),
                  f.text('answer', 'Answer'),
                ]}
                deleteKey={(r) => `${enc(String(r.profileQuestionnaireCode))}/${enc(String(r.lineNo))}`}
                describe={(r) => `the answer ${String(r.answer ?? r.lineNo)}`}
                addForm={
                  <ProfileAnswerForm
                    path={rel('profile-answers')}
                    onAdded={() => qc.invalidateQueries({ queryKey: ['relation', rel('profile-answers')] })}
                  />
                }
                canWrite={canWrite}
              />
            </Tabs.Panel>
            <Tabs.Panel value="interactions">
              <ListView
                stateKey={`interactions:${c.no}`}
                path="/api/interaction-log-entries"
                fields={INTERACTION_FIELDS}
                columns={[
                  'entryNo',
                  'date',
                  'description',
                  'interactionTemplateCode',
                  'correspondenceType',
                  'segmentNo',
                  'evaluation',
                  'canceled',
                ]}
                defaultSort="-entryNo"
                fixedFilters={{ contactNo: c.no }}
                rowHref={(r) => `/interactions/${enc(String(r.entryNo))}`}
                embedded
                pageSize={25}
              />
            </Tabs.Panel>
            <Tabs.Panel value="segments">
              <SegmentsOfContact contactNo={c.no} />
            </Tabs.Panel>
          </Stack>
        </Tabs>
      </Card>
      <NewRecordDialog
        resource={resource('contacts')}
        fields={NEW_CONTACT_FIELDS}
        initial={{ type: 'Person', companyNo: c.no }}
        opened={newPerson}
        onClose={() => setNewPerson(false)}
      />
    </Stack>
  )
}
