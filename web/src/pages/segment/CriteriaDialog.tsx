import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Loader,
  Modal,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { ApiError, enc, errorText, post } from '../../api/api'
import type { AddOptions, BlockName, CriteriaFilters, PreviewResult, StepAction, StepResult } from '../../api/types'
import { LookupInput } from '../../components/LookupInput'
import { filterHint } from '../../lib/fields'
import { BLOCKS, type BlockDef } from './criteria-blocks'

interface FilterRow {
  id: number
  field: string
  expr: string
}
type Rows = Record<BlockName, FilterRow[]>

let rowSeq = 0
const newRows = (): Rows =>
  Object.fromEntries(
    BLOCKS.map((b) => [b.name, b.defaults.map((field) => ({ id: ++rowSeq, field, expr: '' }))]),
  ) as Rows

/** The `filters` object of the rows that hold an expression; a field given twice is combined with & (both hold). */
export function toFilters(rows: Rows): CriteriaFilters {
  const out: CriteriaFilters = {}
  for (const b of BLOCKS) {
    const block: Record<string, string> = {}
    for (const r of rows[b.name]) {
      const e = r.expr.trim()
      if (!e) continue
      block[r.field] = block[r.field] ? `(${block[r.field]})&(${e})` : e
    }
    if (Object.keys(block).length) out[b.name] = block
  }
  return out
}

const TITLES: Record<StepAction, string> = { add: 'Add Contacts', reduce: 'Reduce Contacts', refine: 'Refine Contacts' }
const PATHS: Record<StepAction, string> = { add: 'add-contacts', reduce: 'reduce-contacts', refine: 'refine-contacts' }
const HELP: Record<StepAction, string> = {
  add: 'Contacts that match every block are added to the segment.',
  reduce: 'Lines whose contact matches every block are removed.',
  refine: 'Only lines whose contact matches every block are kept; the others are removed.',
}
const ADD_OPTIONS: { name: keyof AddOptions; label: string; help: string }[] = [
  {
    name: 'allowExistingContacts',
    label: 'Allow Existing Contacts',
    help: 'add contacts that are already on the segment again',
  },
  { name: 'expandCompanies', label: 'Expand Companies', help: 'add the persons of the matching companies' },
  {
    name: 'allowRelatedCompanies',
    label: 'Allow Related Companies',
    help: 'add the companies of the matching persons',
  },
  { name: 'ignoreExclusion', label: 'Ignore Exclusion', help: 'add contacts marked Exclude from Segment' },
]

/** The message of an error about one block field (`filters.industryGroup.industryGroupCode` and similar paths). */
function blockFieldError(err: unknown, block: string, field: string): string | undefined {
  if (!(err instanceof ApiError)) return undefined
  return err.problem.errors?.find((e) => e.path === `${block}.${field}` || e.path.endsWith(`.${block}.${field}`))
    ?.message
}
function blockError(err: unknown, block: string): string | undefined {
  if (!(err instanceof ApiError)) return undefined
  return err.problem.errors?.find(
    (e) => e.path === block || e.path.endsWith(`.${block}`) || e.path.endsWith(`filters.${block}`),
  )?.message
}

function BlockEditor({
  block,
  rows,
  onChange,
  error,
}: {
  block: BlockDef
  rows: FilterRow[]
  onChange(rows: FilterRow[]): void
  error: unknown
}) {
  const set = (id: number, patch: Partial<FilterRow>) =>
    onChange(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)))
  const unused = block.fields.find((fd) => !rows.some((r) => r.field === fd.name))
  const used = rows.some((r) => r.expr.trim())
  return (
    <Fieldset
      legend={
        <Text span fw={600} size="sm" c={used ? 'teal.8' : undefined}>
          {block.caption}{' '}
          <Text span size="xs" c="dimmed" fw={400}>
            · {block.on}
          </Text>
        </Text>
      }
      p="xs"
      pt={4}
      data-block={block.name}
    >
      <Stack gap={6}>
        {rows.map((r) => {
          const fd = block.fields.find((x) => x.name === r.field) ?? block.fields[0]
          const err = blockFieldError(error, block.name, r.field)
          const label = `${block.caption} ${fd.label} filter`
          return (
            <Group key={r.id} gap={6} wrap="nowrap" align="flex-start">
              <NativeSelect
                size="xs"
                aria-label={`${block.caption} field`}
                value={r.field}
                data={block.fields.map((x) => ({ value: x.name, label: x.label }))}
                onChange={(e) => set(r.id, { field: e.currentTarget.value })}
                style={{ flex: '2 1 0', minWidth: 0 }}
              />
              <div style={{ flex: '3 1 0', minWidth: 0 }}>
                {fd.lookup ? (
                  <LookupInput
                    size="xs"
                    path={fd.lookup}
                    aria-label={label}
                    name={`${block.name}.${r.field}`}
                    placeholder={filterHint(fd)}
                    value={r.expr}
                    onChange={(v) => set(r.id, { expr: v })}
                    error={err}
                  />
                ) : (
                  <TextInput
                    size="xs"
                    aria-label={label}
                    name={`${block.name}.${r.field}`}
                    placeholder={filterHint(fd)}
                    value={r.expr}
                    onChange={(e) => set(r.id, { expr: e.currentTarget.value })}
                    error={err}
                  />
                )}
              </div>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Remove ${fd.label} row`}
                onClick={() => onChange(rows.filter((x) => x.id !== r.id))}
                mt={2}
              >
                ✕
              </ActionIcon>
            </Group>
          )
        })}
        {unused && (
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={() => onChange([...rows, { id: ++rowSeq, field: unused.name, expr: '' }])}
            style={{ alignSelf: 'flex-start' }}
          >
            + Field
          </Button>
        )}
        {blockError(error, block.name) && (
          <Text size="xs" c="red">
            {blockError(error, block.name)}
          </Text>
        )}
      </Stack>
    </Fieldset>
  )
}

/**
 * Add / Reduce / Refine Contacts: the eight filter blocks and the options, with the live count of what
 * the step would do (`POST …/preview`, debounced as the user types).
 */
export function CriteriaDialog({
  segmentNo,
  action,
  opened,
  onClose,
  onDone,
}: {
  segmentNo: string
  action: StepAction
  opened: boolean
  onClose(): void
  onDone(result: StepResult, action: StepAction): void
}) {
  const [rows, setRows] = useState<Rows>(newRows)
  const [addOpts, setAddOpts] = useState<AddOptions>({
    allowExistingContacts: false,
    expandCompanies: false,
    allowRelatedCompanies: false,
    ignoreExclusion: false,
  })
  const [entireCompanies, setEntireCompanies] = useState(false)
  const [busy, setBusy] = useState(false)
  const [submitError, setSubmitError] = useState<unknown>(null)

  const filters = toFilters(rows)
  const options = action === 'add' ? addOpts : { entireCompanies }
  const body = { filters, ...options }
  const [debounced] = useDebouncedValue(JSON.stringify(body), 400)
  const preview = useQuery({
    queryKey: ['preview', segmentNo, action, debounced],
    queryFn: () => post<PreviewResult>(`/api/segments/${enc(segmentNo)}/preview`, { action, ...JSON.parse(debounced) }),
    enabled: opened,
    placeholderData: keepPreviousData,
    retry: false,
  })
  const pending = debounced !== JSON.stringify(body) || preview.isFetching
  const error = submitError ?? preview.error

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setSubmitError(null)
    try {
      const result = await post<StepResult>(`/api/segments/${enc(segmentNo)}/${PATHS[action]}`, body)
      onDone(result, action)
      setRows(newRows())
      onClose()
    } catch (err) {
      setSubmitError(err)
    } finally {
      setBusy(false)
    }
  }
  const count = action === 'add' ? preview.data?.linesInserted : preview.data?.linesRemoved
  const unplacedError =
    error &&
    !(error instanceof ApiError && error.problem.errors?.some((x) => BLOCKS.some((b) => x.path.includes(b.name))))
      ? error
      : null

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={`${TITLES[action]} — segment ${segmentNo}`}
      size="90rem"
      keepMounted={false}
    >
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {HELP[action]} All fields of a block must hold on one record. BC filters: <code>A|B</code>{' '}
            <code>10..20</code> <code>&lt;&gt;A</code> <code>@*text*</code> <code>''</code>
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="xs" verticalSpacing="xs">
            {BLOCKS.map((b) => (
              <BlockEditor
                key={b.name}
                block={b}
                rows={rows[b.name]}
                error={error}
                onChange={(r) => setRows((old) => ({ ...old, [b.name]: r }))}
              />
            ))}
          </SimpleGrid>
          <Group gap="lg" wrap="wrap">
            {action === 'add' ? (
              ADD_OPTIONS.map((o) => (
                <Checkbox
                  key={o.name}
                  label={o.label}
                  title={o.help}
                  checked={addOpts[o.name]}
                  onChange={(e) => {
                    const checked = e.currentTarget.checked
                    setAddOpts((old) => ({ ...old, [o.name]: checked }))
                  }}
                />
              ))
            ) : (
              <Checkbox
                label="Entire Companies"
                title="also remove (Reduce) or keep (Refine) the other persons of a matching company"
                checked={entireCompanies}
                onChange={(e) => setEntireCompanies(e.currentTarget.checked)}
              />
            )}
          </Group>
          {unplacedError ? (
            <Alert color="red" role="alert">
              {errorText(unplacedError)}
            </Alert>
          ) : null}
          <Paper withBorder p="xs" px="sm">
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Group gap="xs" aria-live="polite" data-testid="preview">
                {preview.data && (
                  <Text size="sm">
                    <Text span fw={700} size="lg" className="preview-count" data-testid="preview-count">
                      {count ?? 0}
                    </Text>{' '}
                    {action === 'add' ? 'contacts will be added' : 'lines will be removed'} ·{' '}
                    <Text span fw={600} data-testid="preview-after">
                      {preview.data.noOfLinesAfter}
                    </Text>{' '}
                    lines after
                  </Text>
                )}
                {pending && <Loader size="xs" aria-label="Counting" />}
              </Group>
              <Group gap="xs">
                <Button variant="default" onClick={() => setRows(newRows())}>
                  Clear filters
                </Button>
                <Button variant="default" onClick={onClose}>
                  Cancel
                </Button>
                <Button type="submit" loading={busy}>
                  OK
                </Button>
              </Group>
            </Group>
          </Paper>
        </Stack>
      </form>
    </Modal>
  )
}
