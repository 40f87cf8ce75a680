import { Alert, Badge, Button, Card, Loader, Stack, Tabs } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { del, errorText, post } from '../api/api'
import type { LoggedSegment, Row } from '../api/types'
import { CardHeader } from '../components/CardHeader'
import { DeliveryProgress } from '../components/DeliveryProgress'
import { ListView } from '../components/ListView'
import { RecordFields } from '../components/RecordFields'
import { useRecord } from '../components/useRecord'
import { useCan } from '../lib/auth'
import { useConfirm } from '../lib/confirm'
import { notify } from '../lib/notify'
import { touchSegment } from '../lib/recent'
import { INTERACTION_FIELDS, LOGGED_SEGMENT_FIELDS } from '../lib/resources'
import { navigate } from '../lib/router'

export default function LoggedSegmentPage({ entryNo }: { entryNo: string }) {
  const canWrite = useCan('marketer')
  const confirm = useConfirm()
  const qc = useQueryClient()
  const path = `/api/logged-segments/${encodeURIComponent(entryNo)}`
  const rec = useRecord<LoggedSegment>(path, '/api/logged-segments')
  const [busy, setBusy] = useState<string | null>(null)
  const [deliveryKey, setDeliveryKey] = useState(0)
  if (rec.isPending) return <Loader />
  if (rec.isError) return <Alert color="red">{errorText(rec.error)}</Alert>
  const ls = rec.data
  const run = async (name: string, fn: () => Promise<void>) => {
    setBusy(name)
    try {
      await fn()
    } catch (e) {
      notify(errorText(e), 'red')
    } finally {
      setBusy(null)
    }
  }
  const refresh = async () => {
    await rec.refresh()
    await qc.invalidateQueries({ queryKey: ['list'] })
  }
  // BC's Switch Checkmark in Canceled questions (default Yes).
  const toggleCanceled = () =>
    run('cancel', async () => {
      const q = ls.canceled
        ? `Logged Segment ${ls.entryNo} is marked Canceled.\\Do you wish to remove the checkmark?`
        : `Do you wish to mark Logged Segment ${ls.entryNo} as Canceled?`
      if (!(await confirm(q))) return
      await post(`${path}/${ls.canceled ? 'restore' : 'cancel'}`)
      notify(ls.canceled ? `Logged segment ${ls.entryNo} restored.` : `Logged segment ${ls.entryNo} canceled.`)
      await refresh()
    })
  const followUp = () =>
    run('follow-up', async () => {
      const r = await post<{ segmentNo: string }>(`${path}/follow-up`)
      touchSegment(r.segmentNo, `Follow-up on segment ${ls.segmentNo}`)
      notify(`Follow-up segment ${r.segmentNo} created.`)
      navigate(`/segments/${encodeURIComponent(r.segmentNo)}`)
    })
  const resend = () =>
    run('resend', async () => {
      await post(`${path}/resend`)
      notify('Resending the attachments.')
      setDeliveryKey((k) => k + 1)
      await qc.invalidateQueries({ queryKey: ['delivery', ls.entryNo] })
    })
  const remove = () =>
    run('delete', async () => {
      if (!(await confirm(`Do you want to delete Logged Segment ${ls.entryNo}? Its interaction log entries are kept.`)))
        return
      await del(path)
      notify(`1 Logged Segment has been deleted.`)
      await qc.invalidateQueries({ queryKey: ['list'] })
      navigate('/logged-segments')
    })
  return (
    <Stack>
      <CardHeader
        listHref="/logged-segments"
        listTitle="Logged Segments"
        title={`Logged segment ${ls.entryNo}`}
        subtitle={
          <>
            {ls.segmentNo} · {ls.description}{' '}
            {ls.canceled && (
              <Badge color="red" variant="light">
                Canceled
              </Badge>
            )}
          </>
        }
        actions={
          canWrite ? (
            <>
              <Button size="xs" variant="default" onClick={toggleCanceled} loading={busy === 'cancel'}>
                {ls.canceled ? 'Restore' : 'Cancel'}
              </Button>
              <Button size="xs" variant="default" onClick={followUp} loading={busy === 'follow-up'}>
                Create follow-up segment
              </Button>
              <Button size="xs" variant="default" onClick={resend} loading={busy === 'resend'} disabled={ls.canceled}>
                Resend
              </Button>
              {ls.canceled && (
                <Button size="xs" color="red" variant="light" onClick={remove} loading={busy === 'delete'}>
                  Delete
                </Button>
              )}
            </>
          ) : null
        }
      />
      <Card withBorder>
        <RecordFields
          fields={LOGGED_SEGMENT_FIELDS}
          record={ls as unknown as Row}
          canEdit={false}
          onSave={async () => undefined}
        />
      </Card>
      <Card withBorder>
        <Tabs defaultValue="entries" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="entries">Interaction log entries ({ls.noOfInteractions})</Tabs.Tab>
            <Tabs.Tab value="delivery">Delivery</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="entries" pt="sm">
            <ListView
              stateKey={`logged:${ls.entryNo}`}
              path="/api/interaction-log-entries"
              fields={INTERACTION_FIELDS}
              columns={[
                'entryNo',
                'contactNo',
                'date',
                'description',
                'correspondenceType',
                'campaignNo',
                'deliveryStatus',
                'evaluation',
                'canceled',
              ]}
              defaultSort="entryNo"
              fixedFilters={{ loggedSegmentEntryNo: String(ls.entryNo) }}
              rowHref={(r) => `/interactions/${encodeURIComponent(String(r.entryNo))}`}
              embedded
            />
          </Tabs.Panel>
          <Tabs.Panel value="delivery" pt="sm">
            <DeliveryProgress key={deliveryKey} entryNo={ls.entryNo} />
          </Tabs.Panel>
        </Tabs>
      </Card>
    </Stack>
  )
}
