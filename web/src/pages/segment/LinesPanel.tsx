import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Group,
  ScrollArea,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { ApiError, api, enc, errorText, fieldError, list, patch, post } from '../../api/api'
import type { SegmentLine } from '../../api/types'
import { FieldInput } from '../../components/FieldInput'
import { LookupInput } from '../../components/LookupInput'
import { Cancelled, useConfirm, useConfirmed } from '../../lib/confirm'
import { display } from '../../lib/fields'
import { notify } from '../../lib/notify'
import { LINE_FIELDS } from '../../lib/resources'
import { Link } from '../../lib/router'
import { PageFooter } from './PageFooter'

const COLUMNS = [
  'lineNo',
  'contactNo',
  'contactName',
  'contactCompanyNo',
  'correspondenceType',
  'salespersonCode',
  'interactionTemplateCode',
  'description',
  'languageCode',
  'date',
  'evaluation',
  'campaignNo',
].map((n) => LINE_FIELDS.find((f) => f.name === n)!)

const PAGE = 50

/** The segment's lines: paged from the server, edited in place, added by contact lookup, deleted. */
export function LinesPanel({
  segmentNo,
  canWrite,
  onChanged,
}: {
  segmentNo: string
  canWrite: boolean
  onChanged(): Promise<void>
}) {
  const path = `/api/segments/${enc(segmentNo)}/lines`
  const confirm = useConfirm()
  const confirmed = useConfirmed()
  const [offset, setOffset] = useState(0)
  const [find, setFind] = useState('')
  const [findDebounced] = useDebouncedValue(find, 350)
  const [editing, setEditing] = useState<number | null>(null)
  const [cellErrors, setCellErrors] = useState<Record<string, string>>({})
  const [newContact, setNewContact] = useState('')
  const [addError, setAddError] = useState<unknown>(null)
  const filters: Record<string, string> = findDebounced.trim() ? { contactNo: findDebounced.trim() } : {}
  const q = useQuery({
    queryKey: ['list', path, offset, filters],
    queryFn: ({ signal }) => list<SegmentLine>(path, { offset, limit: PAGE, sort: 'lineNo', filters }, signal),
    placeholderData: keepPreviousData,
    retry: false,
  })
  const total = q.data?.total ?? 0

  const saveCell = async (line: SegmentLine, field: string, value: unknown) => {
    const k = `${line.lineNo}.${field}`
    try {
      await patch(`${path}/${line.lineNo}`, { [field]: value })
      setCellErrors(({ [k]: _, ...rest }) => rest)
      await onChanged()
    } catch (e) {
      if (e instanceof Cancelled) return
      setCellErrors((old) => ({ ...old, [k]: fieldError(e, field) ?? errorText(e) }))
    }
  }
  const remove = async (line: SegmentLine) => {
    if (!(await confirm(`Do you want to delete line ${line.lineNo} (contact ${line.contactNo} ${line.contactName})?`)))
      return
    try {
      // BC asks "Your Segment is now empty. Do you want to reset number of criteria actions?" when the last line goes.
      await confirmed(
        (answer) =>
          api('DELETE', `${path}/${line.lineNo}`, undefined, {
            query: answer === undefined ? undefined : { resetCriteria: answer },
          }),
        {
          onNo: 'resend',
        },
      )
      await onChanged()
    } catch (e) {
      if (!(e instanceof Cancelled)) notify(errorText(e), 'red')
    }
  }
  const add = async (e: FormEvent) => {
    e.preventDefault()
    setAddError(null)
    try {
      await post(path, { contactNo: newContact.trim().toUpperCase() })
      setNewContact('')
      await onChanged()
    } catch (err) {
      setAddError(err)
    }
  }

  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap" align="flex-end">
        {canWrite ? (
          <form onSubmit={add}>
            <Group gap="xs" align="flex-start">
              <LookupInput
                path="/api/contacts"
                searchLabel
                size="sm"
                aria-label="Contact to add"
                placeholder="Add a contact: no. or name"
                value={newContact}
                onChange={setNewContact}
                error={addError ? (fieldError(addError, 'contactNo') ?? errorText(addError)) : undefined}
              />
              <Button type="submit" disabled={!newContact.trim()}>
                Add line
              </Button>
            </Group>
          </form>
        ) : (
          <span />
        )}
        <TextInput
          size="sm"
          aria-label="Filter lines by contact no."
          placeholder="Filter: contact no. (e.g. CT1*)"
          value={find}
          onChange={(e) => {
            setFind(e.currentTarget.value)
            setOffset(0)
          }}
          error={q.error instanceof ApiError ? q.error.problem.errors?.[0]?.message : undefined}
        />
      </Group>
      {q.isError && !(q.error instanceof ApiError && q.error.status === 400) && (
        <Alert color="red">{errorText(q.error)}</Alert>
      )}
      <ScrollArea type="auto" offsetScrollbars>
        <Table striped withTableBorder fz="sm" verticalSpacing={4} miw={1200} aria-label="Segment lines">
          <Table.Thead>
            <Table.Tr>
              {COLUMNS.map((c) => (
                <Table.Th key={c.name} style={{ whiteSpace: 'nowrap' }}>
                  {c.label}
                </Table.Th>
              ))}
              <Table.Th aria-label="Line actions" className="sticky-end" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(q.data?.items ?? []).map((line) => {
              const isEditing = editing === line.lineNo
              return (
                <Table.Tr
                  key={line.lineNo}
                  data-testid="segment-line"
                  onDoubleClick={() => canWrite && setEditing(line.lineNo)}
                  onKeyDown={(e) => e.key === 'Escape' && isEditing && setEditing(null)}
                >
                  {COLUMNS.map((c) => {
                    const v = (line as unknown as Record<string, unknown>)[c.name]
                    if (isEditing && !c.readOnly)
                      return (
                        <Table.Td key={c.name} miw={c.type === 'text' ? 180 : 120}>
                          <FieldInput
                            field={{ ...c, lookup: c.name === 'contactNo' ? '/api/contacts' : c.lookup }}
                            value={v}
                            withLabel={false}
                            error={cellErrors[`${line.lineNo}.${c.name}`]}
                            onCommit={(nv) => saveCell(line, c.name, nv)}
                            onEscape={() => setEditing(null)}
                            autoFocus={c.name === 'contactNo'}
                          />
                        </Table.Td>
                      )
                    return (
                      <Table.Td
                        key={c.name}
                        style={{ whiteSpace: 'nowrap', maxWidth: 240, overflow: 'hidden', textOverflow: 'ellipsis' }}
                      >
                        {c.name === 'contactNo' ? (
                          <Anchor component={Link} href={`/contacts/${enc(line.contactNo)}`} fz="inherit">
                            {line.contactNo}
                          </Anchor>
                        ) : c.type === 'boolean' ? (
                          v ? (
                            'Yes'
                          ) : (
                            ''
                          )
                        ) : (
                          display(c, v)
                        )}
                        {cellErrors[`${line.lineNo}.${c.name}`] && !isEditing && (
                          <Text size="xs" c="red">
                            {cellErrors[`${line.lineNo}.${c.name}`]}
                          </Text>
                        )}
                      </Table.Td>
                    )
                  })}
                  <Table.Td className="sticky-end">
                    {canWrite && (
                      <Group gap={2} wrap="nowrap">
                        <Tooltip label={isEditing ? 'Done' : 'Edit line'}>
                          <ActionIcon
                            variant={isEditing ? 'filled' : 'subtle'}
                            size="sm"
                            aria-label={isEditing ? `Done editing line ${line.lineNo}` : `Edit line ${line.lineNo}`}
                            onClick={() => setEditing(isEditing ? null : line.lineNo)}
                          >
                            {isEditing ? '✓' : '✎'}
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Delete line">
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            size="sm"
                            aria-label={`Delete line ${line.lineNo}`}
                            onClick={() => remove(line)}
                          >
                            ✕
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              )
            })}
            {q.isSuccess && total === 0 && (
              <Table.Tr>
                <Table.Td colSpan={COLUMNS.length + 1}>
                  <Text c="dimmed" size="sm" py="xs">
                    {find
                      ? 'No lines match.'
                      : 'The segment has no lines yet. Use Add Contacts, or add a contact above.'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      <PageFooter
        offset={offset}
        pageSize={PAGE}
        total={total}
        noun="lines"
        fetching={q.isFetching}
        testId="lines-total"
        onOffset={setOffset}
      />
    </Stack>
  )
}
