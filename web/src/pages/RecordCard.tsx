import { Alert, Button, Card, Loader, Stack } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { del, enc, errorText } from '../api/api'
import type { Row } from '../api/types'
import { CardHeader } from '../components/CardHeader'
import { ChildList } from '../components/ChildList'
import { RecordFields } from '../components/RecordFields'
import { useRecord } from '../components/useRecord'
import { useCan } from '../lib/auth'
import { useConfirm } from '../lib/confirm'
import { notify } from '../lib/notify'
import { resourceById } from '../lib/resources'
import { navigate } from '../lib/router'

/** The card of a code table record (industry group, template, salesperson, user …). */
export default function RecordCard({ resource: id, id: keyValue }: { resource: string; id: string }) {
  const r = resourceById(id)
  const canWrite = useCan(r?.writeRole ?? 'marketer')
  const confirm = useConfirm()
  const qc = useQueryClient()
  const path = `${r?.path}/${enc(keyValue)}`
  const rec = useRecord<Row>(path, r?.path ?? '', !!r && !r.noCard)
  if (!r || r.noCard) return <Alert color="red">Unknown page.</Alert>
  if (rec.isPending) return <Loader />
  if (rec.isError) return <Alert color="red">{errorText(rec.error)}</Alert>
  const remove = async () => {
    if (!(await confirm(`Do you want to delete ${r.singular} ${keyValue}?`))) return
    try {
      await del(path)
      await qc.invalidateQueries({ queryKey: ['list', r.path] })
      notify(`${r.singular} ${keyValue} deleted.`)
      navigate(r.route)
    } catch (e) {
      notify(errorText(e), 'red')
    }
  }
  const fields =
    r.id === 'users' ? r.fields.map((f) => (f.name === 'password' ? { ...f, writeOnly: false } : f)) : r.fields
  return (
    <Stack>
      <CardHeader
        listHref={r.route}
        listTitle={r.title}
        title={`${r.singular} ${keyValue}`}
        subtitle={String(rec.data.description ?? rec.data.name ?? rec.data.fullName ?? '')}
        actions={
          canWrite ? (
            <Button color="red" variant="light" size="xs" onClick={remove}>
              Delete
            </Button>
          ) : null
        }
      />
      <Card withBorder>
        <RecordFields
          fields={fields}
          record={{ ...rec.data, password: '' }}
          canEdit={canWrite}
          onSave={(fd, v) => rec.save({ [fd.name]: v })}
        />
      </Card>
      {r.children?.map((c) => (
        <Card withBorder key={c.segment}>
          <ChildList def={c} path={`${path}/${c.segment}`} canWrite={canWrite} />
        </Card>
      ))}
    </Stack>
  )
}
