import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Group,
  Loader,
  NativeSelect,
  Pagination,
  Paper,
  ScrollArea,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type ColumnDef, flexRender, getCoreRowModel, type SortingState, useReactTable } from '@tanstack/react-table'
import { type ReactNode, useEffect, useMemo, useState } from 'react'
import { ApiError, errorText, list, queryString } from '../api/api'
import type { Row } from '../api/types'
import { display, type FieldDef, filterHint } from '../lib/fields'
import { Link, navigate } from '../lib/router'

export interface ListViewProps {
  /** Remembers paging, sort and filters while the user visits cards and comes back. */
  stateKey: string
  title?: string
  path: string
  fields: FieldDef[]
  /** Field names shown as columns (default: all but write-only). */
  columns?: string[]
  defaultSort?: string
  /** Filters the user does not see or change (a card's sub-list: contactNo of this contact). */
  fixedFilters?: Record<string, string>
  rowHref?(row: Row): string | undefined
  /** Buttons of the action bar. */
  actions?: ReactNode
  /** Buttons at the end of each row (delete…). */
  rowActions?(row: Row): ReactNode
  pageSize?: number
  /** Inside a card: no title, filters folded away. */
  embedded?: boolean
  /** A download of the filtered rows (`?format=csv&filter[…]`). */
  exportPath?: string
  /** Extra key so a card's mutations refresh the list. */
  queryKey?: unknown[]
  emptyText?: string
}

interface ListState {
  offset: number
  limit: number
  sort: SortingState
  filters: Record<string, string>
  showFilters: boolean
  extraFilterFields: string[]
}

const memory = new Map<string, ListState>()

const parseSort = (s?: string): SortingState =>
  (s ?? '')
    .split(',')
    .filter(Boolean)
    .map((p) => ({ id: p.replace(/^-/, ''), desc: p.startsWith('-') }))
const sortText = (s: SortingState) => s.map((x) => (x.desc ? `-${x.id}` : x.id)).join(',')

/**
 * The list page of every collection, in the spirit of BC's list pages: server-side paging and
 * sorting (click a column; Shift+click adds a second key), a filter pane taking BC filter
 * expressions per field (errors shown at the field), and a row opens its card. It never loads
 * more than one page.
 */
export function ListView(props: ListViewProps) {
  const { fields, path } = props
  const byName = useMemo(() => new Map(fields.map((f) => [f.name, f])), [fields])
  const columnNames = props.columns ?? fields.filter((f) => !f.writeOnly).map((f) => f.name)
  const [state, setState] = useState<ListState>(
    () =>
      memory.get(props.stateKey) ?? {
        offset: 0,
        limit: props.pageSize ?? 50,
        sort: parseSort(props.defaultSort),
        filters: {},
        showFilters: false,
        extraFilterFields: [],
      },
  )
  useEffect(() => {
    memory.set(props.stateKey, state)
  }, [props.stateKey, state])
  const update = (patch: Partial<ListState>) => setState((s) => ({ ...s, ...patch }))

  const [filters] = useDebouncedValue(state.filters, 350)
  const activeFilters = { ...filters, ...props.fixedFilters }
  const req = {
    offset: state.offset,
    limit: state.limit,
    sort: sortText(state.sort) || undefined,
    filters: activeFilters,
  }
  const q = useQuery({
    queryKey: ['list', path, req, ...(props.queryKey ?? [])],
    queryFn: ({ signal }) => list<Row>(path, req, signal),
    placeholderData: keepPreviousData,
    retry: false,
  })
  const filterErrors: Record<string, string> = {}
  let otherError: unknown = null
  if (q.error) {
    const e = q.error
    const errs = e instanceof ApiError ? (e.problem.errors ?? []) : []
    for (const x of errs) {
      const m = /^(?:query\.)?filter\[(.+)\]$/.exec(x.path)
      if (m) filterErrors[m[1]] = x.message
    }
    if (!Object.keys(filterErrors).length) otherError = e
  }

  // Rebuilt on each render (cheap for one page); the cells close over the current rowHref.
  const columns: ColumnDef<Row>[] = columnNames.map((name, i) => {
    const fd = byName.get(name)
    return {
      id: name,
      header: fd?.label ?? name,
      enableSorting: !fd?.noFilter,
      size: fd?.width,
      cell: ({ row }) => {
        const v = row.original[name]
        if (fd?.type === 'boolean')
          return v ? (
            <Badge size="sm" variant="light">
              Yes
            </Badge>
          ) : (
            ''
          )
        const text = display(fd, v)
        const href = i === 0 ? props.rowHref?.(row.original) : undefined
        return href ? (
          <Anchor component={Link} href={href} onClick={(e) => e.stopPropagation()} fw={500} fz="inherit">
            {text || '(blank)'}
          </Anchor>
        ) : text.length > 40 ? (
          // Cut off by the cell's width: the whole value shows on hover.
          <span title={text}>{text}</span>
        ) : (
          text
        )
      },
    }
  })
  const table = useReactTable({
    data: q.data?.items ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    enableMultiSort: true,
    isMultiSortEvent: (e) => (e as MouseEvent).shiftKey,
    state: { sorting: state.sort },
    onSortingChange: (u) => {
      const next = typeof u === 'function' ? u(state.sort) : u
      update({ sort: next, offset: 0 })
    },
  })

  const total = q.data?.total ?? 0
  const pages = Math.max(1, Math.ceil(total / state.limit))
  const page = Math.floor(state.offset / state.limit) + 1
  const filterFields = [
    ...columnNames.map((n) => byName.get(n)).filter((f): f is FieldDef => !!f && !f.noFilter),
    ...state.extraFilterFields.map((n) => byName.get(n)).filter((f): f is FieldDef => !!f),
  ]
  const moreFields = fields.filter((f) => !f.noFilter && !f.writeOnly && !filterFields.includes(f))
  const nActive = Object.values(state.filters).filter((v) => v.trim()).length
  const exportQuery = queryString(
    Object.fromEntries(
      Object.entries(activeFilters)
        .filter(([, v]) => v.trim())
        .map(([k, v]) => [`filter[${k}]`, v]),
    ),
  )
  const exportHref = props.exportPath
    ? props.exportPath + (exportQuery && props.exportPath.includes('?') ? `&${exportQuery.slice(1)}` : exportQuery)
    : undefined

  const pane = (
    <Paper
      withBorder
      p="sm"
      w={{ base: '100%', md: 260 }}
      style={{ flexShrink: 0 }}
      aria-label="Filters"
      component="section"
    >
      <Group justify="space-between" mb="xs">
        <Text fw={600} size="sm">
          Filter: {props.title ?? ''}
        </Text>
        <Button
          size="compact-xs"
          variant="subtle"
          onClick={() => update({ filters: {}, offset: 0 })}
          disabled={!nActive}
        >
          Clear
        </Button>
      </Group>
      <Stack gap={6}>
        {filterFields.map((fd) => (
          <TextInput
            key={fd.name}
            size="xs"
            label={fd.label}
            name={`filter[${fd.name}]`}
            placeholder={filterHint(fd)}
            value={state.filters[fd.name] ?? ''}
            error={filterErrors[fd.name]}
            onChange={(e) => update({ filters: { ...state.filters, [fd.name]: e.currentTarget.value }, offset: 0 })}
          />
        ))}
        {moreFields.length > 0 && (
          <NativeSelect
            size="xs"
            label="Filter on another field"
            value=""
            data={[
              { value: '', label: '+ Add a field…' },
              ...moreFields.map((f) => ({ value: f.name, label: f.label })),
            ]}
            onChange={(e) =>
              e.currentTarget.value &&
              update({ extraFilterFields: [...state.extraFilterFields, e.currentTarget.value] })
            }
          />
        )}
        <Text size="xs" c="dimmed">
          BC filters: <code>A|B</code> <code>10..20</code> <code>&lt;&gt;A</code> <code>@*text*</code> <code>''</code>
        </Text>
      </Stack>
    </Paper>
  )

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap" gap="xs">
        {props.title && !props.embedded ? <Title order={2}>{props.title}</Title> : <span />}
        <Group gap="xs" wrap="wrap">
          {props.actions}
          {exportHref && (
            <Button component="a" href={exportHref} variant="default" size="xs">
              Export CSV
            </Button>
          )}
          <Button
            variant={state.showFilters ? 'light' : 'default'}
            size="xs"
            onClick={() => update({ showFilters: !state.showFilters })}
            aria-expanded={state.showFilters}
          >
            Filter{nActive ? ` (${nActive})` : ''}
          </Button>
        </Group>
      </Group>
      <Box className="list-layout">
        {state.showFilters && pane}
        <Stack gap="xs" style={{ flex: 1, minWidth: 0 }}>
          {otherError ? (
            <Alert color="red" role="alert">
              {errorText(otherError)}
            </Alert>
          ) : null}
          {Object.keys(filterErrors).length > 0 && !state.showFilters && (
            <Alert color="red" role="alert">
              {Object.entries(filterErrors)
                .map(([k, v]) => `${byName.get(k)?.label ?? k}: ${v}`)
                .join('; ')}
            </Alert>
          )}
          <ScrollArea type="auto" offsetScrollbars>
            <Table
              striped
              highlightOnHover
              withTableBorder
              verticalSpacing={6}
              fz="sm"
              miw={Math.min(columnNames.length * 110, 1100)}
            >
              <Table.Thead>
                {table.getHeaderGroups().map((hg) => (
                  <Table.Tr key={hg.id}>
                    {hg.headers.map((h) => {
                      const s = h.column.getIsSorted()
                      const canSort = h.column.getCanSort()
                      return (
                        <Table.Th
                          key={h.id}
                          style={{ whiteSpace: 'nowrap', width: h.column.columnDef.size }}
                          aria-sort={s === 'asc' ? 'ascending' : s === 'desc' ? 'descending' : undefined}
                        >
                          {canSort ? (
                            <Box
                              component="button"
                              type="button"
                              onClick={h.column.getToggleSortingHandler()}
                              title="Sort (Shift+click: add as next sort key)"
                              style={{ all: 'unset', cursor: 'pointer', fontWeight: 600 }}
                            >
                              {flexRender(h.column.columnDef.header, h.getContext())}
                              {s === 'asc' ? ' ▲' : s === 'desc' ? ' ▼' : ''}
                            </Box>
                          ) : (
                            flexRender(h.column.columnDef.header, h.getContext())
                          )}
                        </Table.Th>
                      )
                    })}
                    {props.rowActions && <Table.Th aria-label="Row actions" />}
                  </Table.Tr>
                ))}
              </Table.Thead>
              <Table.Tbody>
                {table.getRowModel().rows.map((row) => {
                  const href = props.rowHref?.(row.original)
                  return (
                    <Table.Tr
                      key={row.id}
                      onClick={href ? () => navigate(href) : undefined}
                      style={href ? { cursor: 'pointer' } : undefined}
                      data-testid="list-row"
                    >
                      {row.getVisibleCells().map((cell) => (
                        <Table.Td
                          key={cell.id}
                          style={{ whiteSpace: 'nowrap', maxWidth: 320, overflow: 'hidden', textOverflow: 'ellipsis' }}
                        >
                          {flexRender(cell.column.columnDef.cell, cell.getContext())}
                        </Table.Td>
                      ))}
                      {props.rowActions && (
                        <Table.Td onClick={(e) => e.stopPropagation()} style={{ whiteSpace: 'nowrap' }}>
                          {props.rowActions(row.original)}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  )
                })}
                {q.isSuccess && total === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={columnNames.length + (props.rowActions ? 1 : 0)}>
                      <Text c="dimmed" size="sm" py="sm">
                        {props.emptyText ?? (nActive ? 'No rows match the filters.' : 'Nothing here yet.')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          <Group justify="space-between" gap="xs" wrap="wrap">
            <Group gap="xs">
              <Text size="sm" c="dimmed" data-testid="list-total">
                {total
                  ? `${(state.offset + 1).toLocaleString()}–${Math.min(state.offset + state.limit, total).toLocaleString()} of ${total.toLocaleString()}`
                  : '0 rows'}
              </Text>
              {q.isFetching && <Loader size="xs" aria-label="Loading" />}
            </Group>
            <Group gap="xs">
              {pages > 1 && (
                <Pagination
                  size="sm"
                  total={pages}
                  value={page}
                  onChange={(p) => update({ offset: (p - 1) * state.limit })}
                  siblings={1}
                  boundaries={1}
                  getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
                />
              )}
              {!props.embedded && (
                <NativeSelect
                  size="xs"
                  aria-label="Rows per page"
                  value={String(state.limit)}
                  data={['25', '50', '100', '250']}
                  onChange={(e) => update({ limit: Number(e.currentTarget.value), offset: 0 })}
                />
              )}
            </Group>
          </Group>
        </Stack>
      </Box>
    </Stack>
  )
}

/** A small icon button of a row; the label says what it does to which row (for screen readers and tests). */
export function RowButton({
  label,
  icon,
  onClick,
  color,
}: {
  label: string
  icon: 'edit' | 'delete'
  onClick(): void
  color?: string
}) {
  return (
    <Tooltip label={label}>
      <ActionIcon variant="subtle" color={color ?? 'gray'} aria-label={label} onClick={onClick} size="sm">
        {icon === 'delete' ? '✕' : '✎'}
      </ActionIcon>
    </Tooltip>
  )
}
