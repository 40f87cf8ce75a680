import { Alert, Badge, Button, Card, Loader, Stack, Tabs } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { del, enc, errorText, post } from '../api/api'
import type { Campaign, Row } from '../api/types'
import { CardHeader } from '../components/CardHeader'
import { ListView } from '../components/ListView'
import { RecordFields } from '../components/RecordFields'
import { useRecord } from '../components/useRecord'
import { useCan } from '../lib/auth'
import { Cancelled, useConfirm, useConfirmed } from '../lib/confirm'
import { notify } from '../lib/notify'
import { CAMPAIGN_ENTRY_FIELDS, CAMPAIGN_FIELDS, SEGMENT_FIELDS, TARGET_GROUP_FIELDS } from '../lib/resources'
import { navigate } from '../lib/router'

export default function CampaignCard({ no }: { no: string }) {
  const canWrite = useCan('marketer')
  const confirm = useConfirm()
  const confirmed = useConfirmed()
  const qc = useQueryClient()
  const path = `/api/campaigns/${enc(no)}`
  const rec = useRecord<Campaign>(path, '/api/campaigns')
  const [busy, setBusy] = useState(false)
  const [rev, setRev] = useState(0)
  if (rec.isPending) return <Loader />
  if (rec.isError) return <Alert color="red">{errorText(rec.error)}</Alert>
  const c = rec.data
  const activate = async (on: boolean) => {
    setBusy(true)
    try {
      await confirmed((answer) => post(`${path}/${on ? 'activate' : 'deactivate'}`, answer ? { confirm: true } : {}))
      notify(`Campaign ${c.no} is now ${on ? 'activated' : 'deactivated'}.`)
      await rec.refresh()
      setRev((r) => r + 1)
      await qc.invalidateQueries({ queryKey: ['list', `${path}/target-group`] })
    } catch (e) {
      if (!(e instanceof Cancelled)) notify(errorText(e), 'red')
    } finally {
      setBusy(false)
    }
  }
  const remove = async () => {
    if (!(await confirm(`Do you want to delete campaign ${c.no}?`))) return
    try {
      await del(path)
      await qc.invalidateQueries({ queryKey: ['list', '/api/campaigns'] })
      navigate('/campaigns')
    } catch (e) {
      notify(errorText(e), 'red')
    }
  }
  return (
    <Stack>
      <CardHeader
        listHref="/campaigns"
        listTitle="Campaigns"
        title={`Campaign ${c.no}`}
        subtitle={
          <>
            {c.description}{' '}
            <Badge variant="light" color={c.activated ? 'teal' : 'gray'}>
              {c.activated ? 'Activated' : 'Not activated'}
            </Badge>
          </>
        }
        actions={
          canWrite ? (
            <>
              <Button size="xs" onClick={() => activate(true)} loading={busy}>
                Activate
              </Button>
              <Button
                size="xs"
                variant="default"
                onClick={() => activate(false)}
                loading={busy}
                disabled={!c.activated}
              >
                Deactivate
              </Button>
              <Button size="xs" color="red" variant="light" onClick={remove}>
                Delete
              </Button>
            </>
          ) : null
        }
      />
      <Card withBorder>
        <RecordFields
          fields={CAMPAIGN_FIELDS}
          record={c as unknown as Row}
          canEdit={canWrite}
          onSave={(fd, v) => rec.save({ [fd.name]: v })}
        />
      </Card>
      <Card withBorder>
        <Tabs defaultValue="target" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="target">Target group</Tabs.Tab>
            <Tabs.Tab value="entries">Campaign entries</Tabs.Tab>
            <Tabs.Tab value="segments">Segments</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="target" pt="sm">
            <ListView
              key={rev}
              stateKey={`campaign-target:${c.no}`}
              path={`${path}/target-group`}
              fields={TARGET_GROUP_FIELDS}
              rowHref={(r) => (r.type === 'Contact' ? `/contacts/${enc(String(r.no))}` : undefined)}
              embedded
              emptyText="No target group: the campaign is not activated, or no segment line targets it."
            />
          </Tabs.Panel>
          <Tabs.Panel value="entries" pt="sm">
            <ListView
              stateKey={`campaign-entries:${c.no}`}
              path={`${path}/entries`}
              fields={CAMPAIGN_ENTRY_FIELDS}
              defaultSort="entryNo"
              rowHref={(r) => (Number(r.registerNo) ? `/logged-segments/${String(r.registerNo)}` : undefined)}
              embedded
              emptyText="No campaign entries yet: they are made when a segment of the campaign is logged."
            />
          </Tabs.Panel>
          <Tabs.Panel value="segments" pt="sm">
            <ListView
              stateKey={`campaign-segments:${c.no}`}
              path="/api/segments"
              fields={SEGMENT_FIELDS}
              columns={['no', 'description', 'date', 'noOfLines']}
              fixedFilters={{ campaignNo: c.no }}
              rowHref={(r) => `/segments/${enc(String(r.no))}`}
              embedded
            />
          </Tabs.Panel>
        </Tabs>
      </Card>
    </Stack>
  )
}
