import { Alert, Group, Loader, Stack, Table, Text } from '@mantine/core'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { del, errorText, get, post } from '../api/api'
import type { ListPage, Row } from '../api/types'
import { useConfirm } from '../lib/confirm'
import { display, type FieldDef } from '../lib/fields'
import { notify } from '../lib/notify'
import { RowButton } from './ListView'
import { RecordForm } from './RecordForm'

/** Reads a relation collection whether the server answers a list page or a plain array. */
export async function getRows(path: string): Promise<Row[]> {
  const data = await get<ListPage<Row> | Row[]>(path, { limit: 1000 })
  return Array.isArray(data) ? data : data.items
}

export interface RelationPanelProps {
  path: string
  columns: FieldDef[]
  /** The path below `path` that deletes a row (`/{code}`). */
  deleteKey(row: Row): string
  describe(row: Row): string
  addFields?: FieldDef[]
  /** A custom add form instead of addFields. */
  addForm?: ReactNode
  canWrite: boolean
  emptyText?: string
}

/** The groups, relations and answers of one contact: a small table with add and remove. */
export function RelationPanel(props: RelationPanelProps) {
  const qc = useQueryClient()
  const confirm = useConfirm()
  const q = useQuery({ queryKey: ['relation', props.path], queryFn: () => getRows(props.path) })
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['relation', props.path] })
    await qc.invalidateQueries({ queryKey: ['record'] })
  }
  return (
    <Stack gap="sm">
      {q.isPending && <Loader size="sm" />}
      {q.isError && <Alert color="red">{errorText(q.error)}</Alert>}
      {q.isSuccess &&
        (q.data.length === 0 ? (
          <Text c="dimmed" size="sm">
            {props.emptyText ?? 'None.'}
          </Text>
        ) : (
          <Table fz="sm" withTableBorder striped>
            <Table.Thead>
              <Table.Tr>
                {props.columns.map((c) => (
                  <Table.Th key={c.name}>{c.label}</Table.Th>
                ))}
                {props.canWrite && <Table.Th aria-label="Remove" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.map((row) => (
                <Table.Tr key={props.deleteKey(row)}>
                  {props.columns.map((c) => (
                    <Table.Td key={c.name}>{display(c, row[c.name])}</Table.Td>
                  ))}
                  {props.canWrite && (
                    <Table.Td w={40}>
                      <RowButton
                        label={`Remove ${props.describe(row)}`}
                        icon="delete"
                        color="red"
                        onClick={async () => {
                          if (!(await confirm(`Do you want to remove ${props.describe(row)}?`))) return
                          try {
                            await del(`${props.path}/${props.deleteKey(row)}`)
                            await refresh()
                          } catch (e) {
                            notify(errorText(e), 'red')
                          }
                        }}
                      />
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ))}
      {props.canWrite &&
        (props.addForm ??
          (props.addFields && (
            <Group align="flex-end">
              <AddRow path={props.path} fields={props.addFields} onAdded={refresh} />
            </Group>
          )))}
    </Stack>
  )
}

function AddRow({ path, fields, onAdded }: { path: string; fields: FieldDef[]; onAdded(): Promise<void> }) {
  return (
    <div style={{ width: '100%', maxWidth: 640 }}>
      <RecordForm
        key={path}
        fields={fields}
        cols={fields.length}
        submitLabel="Add"
        autoFocus={false}
        resetOnSubmit
        onSubmit={async (values) => {
          await post(path, values)
          await onAdded()
        }}
      />
    </div>
  )
}
