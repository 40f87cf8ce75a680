import {
  Alert,
  Badge,
  Button,
  Card,
  Fieldset,
  Grid,
  Group,
  Loader,
  Menu,
  Stack,
  Table,
  Tabs,
  Text,
} from '@mantine/core'
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import { type ReactNode, useEffect, useState } from 'react'
import { del, enc, errorText, get, list, post } from '../../api/api'
import type {
  CriteriaAction,
  GoBackResult,
  HistoryEntry,
  LogResult,
  Row,
  Segment,
  StepAction,
  StepResult,
} from '../../api/types'
import { CardHeader } from '../../components/CardHeader'
import { RecordFields } from '../../components/RecordFields'
import { useRecord } from '../../components/useRecord'
import { useCan } from '../../lib/auth'
import { Cancelled, useConfirm, useConfirmed } from '../../lib/confirm'
import type { FieldDef } from '../../lib/fields'
import { notify } from '../../lib/notify'
import { forgetSegment, touchSegment } from '../../lib/recent'
import { SEGMENT_FIELDS } from '../../lib/resources'
import { navigate } from '../../lib/router'
import { CriteriaDialog } from './CriteriaDialog'
import { LinesPanel } from './LinesPanel'
import { PageFooter } from './PageFooter'
import {
  ApplyMailingGroupDialog,
  LogDialog,
  ReuseCriteriaDialog,
  ReuseLoggedDialog,
  SaveCriteriaDialog,
} from './SegmentDialogs'

const pick = (names: string[]) => names.map((n) => SEGMENT_FIELDS.find((f) => f.name === n)!)
const GENERAL = pick(['no', 'description', 'salespersonCode', 'date', 'noOfLines', 'noOfCriteriaActions'])
const CAMPAIGN = pick(['campaignNo', 'campaignTarget', 'campaignResponse'])
const INTERACTION = pick([
  'interactionTemplateCode',
  'interactionGroupCode',
  'languageCodeDefault',
  'subjectDefault',
  'correspondenceTypeDefault',
  'ignoreContactCorresType',
  'informationFlow',
  'initiatedBy',
  'unitCostLcy',
  'unitDurationMin',
  'costLcy',
  'durationMin',
])

/** BC's Segment page `UpdateEditable`: which header fields may be edited now. */
export function headerFieldEditable(fd: FieldDef, s: Segment): boolean {
  switch (fd.name) {
    case 'campaignTarget':
    case 'campaignResponse':
      return s.campaignNo !== ''
    case 'correspondenceTypeDefault':
      return s.ignoreContactCorresType
    case 'languageCodeDefault':
    case 'ignoreContactCorresType':
    case 'informationFlow':
    case 'initiatedBy':
    case 'unitCostLcy':
    case 'unitDurationMin':
      return s.interactionTemplateCode !== ''
    case 'subjectDefault':
      // BC: only when a header interaction language exists for the default language; the API has no such
      // list, and the template gives the header its default language, so: a template and a language.
      return s.interactionTemplateCode !== '' && s.languageCodeDefault !== ''
    default:
      return true
  }
}

/** Header fields BC copies to the lines, and so asks about (`UpdateSegLinesByFieldNo`). */
const PROPAGATED = new Set([
  'description',
  'campaignNo',
  'salespersonCode',
  'correspondenceTypeDefault',
  'unitCostLcy',
  'unitDurationMin',
  'date',
  'campaignTarget',
  'informationFlow',
  'initiatedBy',
  'campaignResponse',
  'subjectDefault',
])

/** A BC filter that matches exactly this code (blank → ''). */
const exact = (v: string) => (v === '' ? "''" : /^[A-Z0-9_\-/ ]+$/i.test(v) ? v : null)

const ACTION_LABEL: Record<CriteriaAction['action'], string> = {
  'Add Contacts': 'Add',
  'Remove Contacts (Reduce)': 'Reduce',
  'Remove Contacts (Refine)': 'Refine',
}

/** Rows per page of the Criteria and History tabs (the lists answer a page at a time). */
const CRITERIA_PAGE = 20
const HISTORY_PAGE = 50

function CriteriaPanel({ segmentNo }: { segmentNo: string }) {
  return (
    <SegmentPage<CriteriaAction>
      segmentNo={segmentNo}
      what="criteria"
      pageSize={CRITERIA_PAGE}
      sort="actionNo"
      empty="No criteria actions yet."
      noun="criteria actions"
      testId="criteria-total"
    >
      {(items) => (
        <Table fz="sm" withTableBorder striped aria-label="Criteria">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Action No.</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Options</Table.Th>
              <Table.Th>Filters</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => (
              <Table.Tr key={c.actionNo} data-testid="criteria-row">
                <Table.Td>{c.actionNo}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Badge variant="light" color={c.action === 'Add Contacts' ? 'teal' : 'orange'}>
                    {ACTION_LABEL[c.action] ?? c.action}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {c.allowExistingContacts && (
                      <Badge size="xs" variant="outline">
                        Allow Existing Contacts
                      </Badge>
                    )}
                    {c.expandCompanies && (
                      <Badge size="xs" variant="outline">
                        Expand Companies
                      </Badge>
                    )}
                    {c.allowRelatedCompanies && (
                      <Badge size="xs" variant="outline">
                        Allow Related Companies
                      </Badge>
                    )}
                    {c.ignoreExclusion && (
                      <Badge size="xs" variant="outline">
                        Ignore Exclusion
                      </Badge>
                    )}
                    {c.entireCompanies && (
                      <Badge size="xs" variant="outline">
                        Entire Companies
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'pre-line' }}>
                  {c.text || (
                    <Text span c="dimmed">
                      (no filters)
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </SegmentPage>
  )
}

function HistoryPanel({ segmentNo }: { segmentNo: string }) {
  return (
    <SegmentPage<HistoryEntry>
      segmentNo={segmentNo}
      what="history"
      pageSize={HISTORY_PAGE}
      sort="actionNo,lineNo"
      empty="No history yet."
      noun="history rows"
      testId="history-total"
    >
      {(items) => (
        <Table fz="sm" withTableBorder striped aria-label="History">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Action No.</Table.Th>
              <Table.Th>Line No.</Table.Th>
              <Table.Th>Contact No.</Table.Th>
              <Table.Th>Action Taken</Table.Th>
              <Table.Th>At</Table.Th>
              <Table.Th>User</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((h) => (
              <Table.Tr key={`${h.actionNo}-${h.lineNo}-${h.actionTaken}`}>
                <Table.Td>{h.actionNo}</Table.Td>
                <Table.Td>{h.lineNo}</Table.Td>
                <Table.Td>{h.contactNo}</Table.Td>
                <Table.Td>{h.actionTaken}</Table.Td>
                <Table.Td>{h.at?.replace('T', ' ').slice(0, 19)}</Table.Td>
                <Table.Td>{h.username}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </SegmentPage>
  )
}

/** One page of a segment's criteria actions or history, with its pager: both are lists of the API. */
function SegmentPage<T>(props: {
  segmentNo: string
  what: 'criteria' | 'history'
  pageSize: number
  sort: string
  empty: string
  noun: string
  testId: string
  children: (items: T[]) => ReactNode
}) {
  const { segmentNo, what, pageSize, sort } = props
  const [offset, setOffset] = useState(0)
  const q = useQuery({
    queryKey: [what, segmentNo, offset],
    queryFn: ({ signal }) =>
      list<T>(`/api/segments/${enc(segmentNo)}/${what}`, { offset, limit: pageSize, sort }, signal),
    placeholderData: keepPreviousData,
  })
  if (q.isPending) return <Loader size="sm" />
  if (q.isError) return <Alert color="red">{errorText(q.error)}</Alert>
  const items = q.data.items
  if (!items.length && offset === 0)
    return (
      <Text c="dimmed" size="sm">
        {props.empty}
      </Text>
    )
  return (
    <Stack gap="xs">
      {props.children(items)}
      <PageFooter
        offset={offset}
        pageSize={pageSize}
        total={q.data.total ?? items.length}
        noun={props.noun}
        fetching={q.isFetching}
        testId={props.testId}
        onOffset={setOffset}
      />
    </Stack>
  )
}

type Dialog = StepAction | 'save' | 'reuse' | 'reuse-logged' | 'mailing' | 'log' | null

export default function SegmentCard({ no }: { no: string }) {
  const canWrite = useCan('marketer')
  const confirm = useConfirm()
  const confirmed = useConfirmed()
  const qc = useQueryClient()
  const path = `/api/segments/${enc(no)}`
  const rec = useRecord<Segment>(path, '/api/segments')
  const [dialog, setDialog] = useState<Dialog>(null)
  const [tab, setTab] = useState<string | null>('lines')
  const [busy, setBusy] = useState<string | null>(null)
  const [logged, setLogged] = useState<LogResult | null>(null)
  useEffect(() => {
    if (rec.data) touchSegment(rec.data.no, rec.data.description)
  }, [rec.data])

  const refreshAll = async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: ['record', path] }),
      qc.invalidateQueries({ queryKey: ['list', `${path}/lines`] }),
      qc.invalidateQueries({ queryKey: ['criteria', no] }),
      qc.invalidateQueries({ queryKey: ['history', no] }),
      qc.invalidateQueries({ queryKey: ['list', '/api/segments'] }),
    ])
  }
  if (rec.isPending) return <Loader />
  if (rec.isError && !logged) return <Alert color="red">{errorText(rec.error)}</Alert>
  const s = rec.data
  if (!s) return <Loader />

  /** One header field: BC's question when lines would follow the change, then PATCH with the answer. */
  const saveField = async (fd: FieldDef, value: unknown) => {
    const body: Record<string, unknown> = { [fd.name]: value }
    // BC's page: clearing Campaign No. also clears Campaign Target and Response on the header.
    if (fd.name === 'campaignNo' && value === '') {
      if (s.campaignTarget) body.campaignTarget = false
      if (s.campaignResponse) body.campaignResponse = false
    }
    // BC validates a code against its table before it asks about the lines: check it exists first.
    if (fd.lookup && typeof value === 'string' && value.trim() !== '')
      await get(`${fd.lookup}/${enc(value.trim().toUpperCase())}`)
    let updateLines: boolean | undefined
    const tmpl = exact(s.interactionTemplateCode)
    if (s.noOfLines > 0 && (PROPAGATED.has(fd.name) || fd.name === 'interactionTemplateCode') && tmpl !== null) {
      const isTemplate = fd.name === 'interactionTemplateCode'
      const skip = fd.name === 'correspondenceTypeDefault' && value === ''
      const inScope = isTemplate
        ? s.noOfLines
        : skip
          ? 0
          : await list(`${path}/lines`, { limit: 1, filters: { interactionTemplateCode: tmpl } }).then(
              (p) => p.total ?? 0,
            )
      if (inScope > 0) {
        const question = isTemplate
          ? `You have modified ${fd.label}.\\Do you want to apply the ${fd.label} ${String(value)} to all segment lines?`
          : fd.name === 'subjectDefault'
            ? `You have modified ${fd.label}.\\Do you want to update the corresponding segment lines?`
            : `You have modified ${fd.label}.\\Do you want to update the segment lines where the Interaction Template Code is ${s.interactionTemplateCode}?`
        updateLines = await confirm(question)
      }
    }
    await confirmed((answer) => rec.save(body, { updateLines: answer ?? updateLines }), { onNo: 'resend' })
    if (updateLines !== false) await qc.invalidateQueries({ queryKey: ['list', `${path}/lines`] })
  }

  const stepDone = async (r: StepResult, action: StepAction) => {
    notify(
      action === 'add'
        ? `${r.linesInserted ?? 0} contacts added; the segment has ${r.noOfLines} lines.`
        : `${r.linesRemoved ?? 0} lines removed; the segment has ${r.noOfLines} lines.`,
    )
    await refreshAll()
  }
  const goBack = async () => {
    if (!(await confirm('This will undo the last criteria action.\\Do you want to continue?', { defaultYes: false })))
      return
    setBusy('go-back')
    try {
      const r = await post<GoBackResult>(`${path}/go-back`, {})
      notify(
        `Went back: ${r.linesInserted} lines restored, ${r.linesRemoved} removed; ${r.noOfCriteriaActions} criteria actions left.`,
      )
      await refreshAll()
    } catch (e) {
      notify(errorText(e), 'red')
    } finally {
      setBusy(null)
    }
  }
  const remove = async () => {
    if (!(await confirm(`Do you want to delete segment ${s.no}?`))) return
    try {
      await confirmed((answer) => del(answer === undefined ? path : `${path}?confirm=${answer}`))
      forgetSegment(s.no)
      await qc.invalidateQueries({ queryKey: ['list', '/api/segments'] })
      notify(`Segment ${s.no} deleted.`)
      navigate('/segments')
    } catch (e) {
      if (!(e instanceof Cancelled)) notify(errorText(e), 'red')
    }
  }
  const onLogged = (r: LogResult) => {
    setLogged(r)
    forgetSegment(s.no)
    notify(`Segment ${s.no} has been logged.`)
    void qc.invalidateQueries({ queryKey: ['list'] })
    void qc.invalidateQueries({ queryKey: ['count'] })
    if (r.followUpSegmentNo) touchSegment(r.followUpSegmentNo, `Follow-up on segment ${s.no}`)
  }
  const closeDialog = () => {
    setDialog(null)
    // A logged segment no longer exists: its logged segment is where the user goes on.
    if (logged) navigate(`/logged-segments/${logged.loggedSegmentEntryNo}`)
  }
  const exportMenu = (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button size="xs" variant="default">
          Export ▾
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component="a" href={`${path}/export?format=csv`}>
          Contacts as CSV
        </Menu.Item>
        <Menu.Item component="a" href={`${path}/export?format=xlsx`}>
          Contacts as Excel (XLSX)
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  )
  const dialogProps = (d: Dialog) => ({
    segmentNo: s.no,
    opened: dialog === d,
    onClose: closeDialog,
    onDone: async (message: string) => {
      notify(message)
      await refreshAll()
    },
  })

  return (
    <Stack>
      <CardHeader
        listHref="/segments"
        listTitle="Segments"
        title={`Segment ${s.no}`}
        subtitle={s.description || 'No description yet'}
        actions={
          canWrite ? (
            <>
              <Button.Group>
                <Button size="xs" onClick={() => setDialog('add')}>
                  Add Contacts
                </Button>
                <Button size="xs" variant="default" onClick={() => setDialog('reduce')}>
                  Reduce
                </Button>
                <Button size="xs" variant="default" onClick={() => setDialog('refine')}>
                  Refine
                </Button>
              </Button.Group>
              <Button
                size="xs"
                variant="default"
                onClick={goBack}
                disabled={s.noOfCriteriaActions === 0}
                loading={busy === 'go-back'}
              >
                Go Back
              </Button>
              <Button size="xs" color="indigo" onClick={() => setDialog('log')}>
                Log
              </Button>
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Button size="xs" variant="default">
                    Segment ▾
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item onClick={() => setDialog('save')} disabled={s.noOfCriteriaActions === 0}>
                    Save Criteria
                  </Menu.Item>
                  <Menu.Item onClick={() => setDialog('reuse')}>Reuse Criteria</Menu.Item>
                  <Menu.Item onClick={() => setDialog('reuse-logged')}>Reuse Logged Segment</Menu.Item>
                  <Menu.Item onClick={() => setDialog('mailing')}>Apply Mailing Group</Menu.Item>
                  <Menu.Divider />
                  <Menu.Item color="red" onClick={remove}>
                    Delete segment
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
              {exportMenu}
            </>
          ) : (
            exportMenu
          )
        }
      />
      {logged && (
        <Alert color="green" role="status">
          Segment {s.no} has been logged.
        </Alert>
      )}
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 6, lg: 4 }}>
          <Fieldset legend="General" p="xs" h="100%">
            <RecordFields
              fields={GENERAL}
              record={s as unknown as Row}
              canEdit={canWrite && !logged}
              onSave={saveField}
              cols={{ base: 2 }}
              size="xs"
            />
          </Fieldset>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6, lg: 2 }}>
          <Fieldset legend="Campaign" p="xs" h="100%">
            <RecordFields
              fields={CAMPAIGN}
              record={s as unknown as Row}
              canEdit={canWrite && !logged}
              isEditable={(fd) => headerFieldEditable(fd, s)}
              onSave={saveField}
              cols={{ base: 1 }}
              size="xs"
            />
          </Fieldset>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Fieldset legend="Interaction" p="xs" h="100%">
            <RecordFields
              fields={INTERACTION}
              record={s as unknown as Row}
              canEdit={canWrite && !logged}
              isEditable={(fd) => headerFieldEditable(fd, s)}
              onSave={saveField}
              cols={{ base: 2, lg: 3 }}
              size="xs"
            />
          </Fieldset>
        </Grid.Col>
      </Grid>
      {!logged && (
        <Card withBorder>
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="lines">Lines ({s.noOfLines.toLocaleString()})</Tabs.Tab>
              <Tabs.Tab value="criteria">Criteria ({s.noOfCriteriaActions})</Tabs.Tab>
              <Tabs.Tab value="history">History</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="lines" pt="sm">
              <LinesPanel segmentNo={s.no} canWrite={canWrite} onChanged={refreshAll} />
            </Tabs.Panel>
            <Tabs.Panel value="criteria" pt="sm">
              <CriteriaPanel segmentNo={s.no} />
            </Tabs.Panel>
            <Tabs.Panel value="history" pt="sm">
              <HistoryPanel segmentNo={s.no} />
            </Tabs.Panel>
          </Tabs>
        </Card>
      )}
      {canWrite && (
        <>
          {(['add', 'reduce', 'refine'] as const).map((a) => (
            <CriteriaDialog
              key={a}
              segmentNo={s.no}
              action={a}
              opened={dialog === a}
              onClose={closeDialog}
              onDone={stepDone}
            />
          ))}
          <SaveCriteriaDialog {...dialogProps('save')} />
          <ReuseCriteriaDialog {...dialogProps('reuse')} />
          <ReuseLoggedDialog {...dialogProps('reuse-logged')} />
          <ApplyMailingGroupDialog {...dialogProps('mailing')} />
          <LogDialog segmentNo={s.no} opened={dialog === 'log'} onClose={closeDialog} onLogged={onLogged} />
        </>
      )}
    </Stack>
  )
}
