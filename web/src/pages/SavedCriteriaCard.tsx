import { Alert, Button, Card, Loader, Stack, Table, Text } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { del, enc, errorText } from '../api/api'
import type { CriteriaAction, SavedCriteria } from '../api/types'
import { CardHeader } from '../components/CardHeader'
import { useRecord } from '../components/useRecord'
import { useCan } from '../lib/auth'
import { useConfirm } from '../lib/confirm'
import { notify } from '../lib/notify'
import { navigate } from '../lib/router'

/** Readable filters when the server does not give the text. */
function filtersText(a: CriteriaAction): string {
  if (a.text) return a.text
  return Object.entries(a.filters ?? {})
    .map(
      ([block, fields]) =>
        `${block}: ${Object.entries(fields ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
    )
    .join('\n')
}

export default function SavedCriteriaCard({ code }: { code: string }) {
  const canWrite = useCan('marketer')
  const confirm = useConfirm()
  const qc = useQueryClient()
  const path = `/api/saved-segment-criteria/${enc(code)}`
  const rec = useRecord<SavedCriteria>(path, '/api/saved-segment-criteria')
  if (rec.isPending) return <Loader />
  if (rec.isError) return <Alert color="red">{errorText(rec.error)}</Alert>
  const sc = rec.data
  const actions = Array.isArray(sc.actions) ? sc.actions : []
  const remove = async () => {
    if (!(await confirm(`Do you want to delete the saved criteria ${sc.code}?`))) return
    try {
      await del(path)
      await qc.invalidateQueries({ queryKey: ['list', '/api/saved-segment-criteria'] })
      navigate('/saved-criteria')
    } catch (e) {
      notify(errorText(e), 'red')
    }
  }
  return (
    <Stack>
      <CardHeader
        listHref="/saved-criteria"
        listTitle="Saved Criteria"
        title={`Saved criteria ${sc.code}`}
        subtitle={`${sc.description} · saved by ${sc.username}`}
        actions={
          canWrite ? (
            <Button size="xs" color="red" variant="light" onClick={remove}>
              Delete
            </Button>
          ) : null
        }
      />
      <Card withBorder>
        <Text size="sm" c="dimmed" mb="xs">
          Reuse these on a segment with Segment ▾ → Reuse Criteria; the filters are applied to the current data.
        </Text>
        <Table fz="sm" withTableBorder striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Action No.</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Filters</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {actions.map((a, i) => (
              <Table.Tr key={a.actionNo ?? i}>
                <Table.Td>{a.actionNo ?? i + 1}</Table.Td>
                <Table.Td>{a.action}</Table.Td>
                <Table.Td style={{ whiteSpace: 'pre-line' }}>{filtersText(a)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  )
}
