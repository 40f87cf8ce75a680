import { Alert, Badge, Button, Card, Loader, Stack } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { errorText, post } from '../api/api'
import type { InteractionLogEntry, Row } from '../api/types'
import { CardHeader } from '../components/CardHeader'
import { RecordFields } from '../components/RecordFields'
import { useRecord } from '../components/useRecord'
import { useCan } from '../lib/auth'
import { useConfirm } from '../lib/confirm'
import { notify } from '../lib/notify'
import { INTERACTION_FIELDS } from '../lib/resources'
import { Link } from '../lib/router'

export default function InteractionCard({ entryNo }: { entryNo: string }) {
  const canWrite = useCan('marketer')
  const confirm = useConfirm()
  const qc = useQueryClient()
  const path = `/api/interaction-log-entries/${encodeURIComponent(entryNo)}`
  const rec = useRecord<InteractionLogEntry>(path, '/api/interaction-log-entries')
  if (rec.isPending) return <Loader />
  if (rec.isError) return <Alert color="red">{errorText(rec.error)}</Alert>
  const e = rec.data
  const toggle = async () => {
    const q = e.canceled
      ? `Interaction Log Entry ${e.entryNo} is marked Canceled.\\Do you wish to remove the checkmark?`
      : `Do you wish to mark Interaction Log Entry ${e.entryNo} as Canceled?`
    if (!(await confirm(q))) return
    try {
      await post(`${path}/${e.canceled ? 'restore' : 'cancel'}`)
      await rec.refresh()
      await qc.invalidateQueries({ queryKey: ['list', '/api/interaction-log-entries'] })
    } catch (err) {
      notify(errorText(err), 'red')
    }
  }
  return (
    <Stack>
      <CardHeader
        listHref="/interactions"
        listTitle="Interaction Log Entries"
        title={`Interaction ${e.entryNo}`}
        subtitle={
          <>
            <Link href={`/contacts/${encodeURIComponent(e.contactNo)}`}>{e.contactNo}</Link> · {e.description}{' '}
            {e.loggedSegmentEntryNo ? (
              <>
                ·{' '}
                <Link href={`/logged-segments/${e.loggedSegmentEntryNo}`}>logged segment {e.loggedSegmentEntryNo}</Link>
              </>
            ) : null}{' '}
            {e.canceled && (
              <Badge color="red" variant="light">
                Canceled
              </Badge>
            )}
          </>
        }
        actions={
          canWrite ? (
            <Button size="xs" variant="default" onClick={toggle}>
              {e.canceled ? 'Restore' : 'Cancel'}
            </Button>
          ) : null
        }
      />
      <Card withBorder>
        <RecordFields
          fields={INTERACTION_FIELDS}
          record={e as unknown as Row}
          canEdit={canWrite}
          onSave={(fd, v) => rec.save({ [fd.name]: v })}
        />
      </Card>
    </Stack>
  )
}
