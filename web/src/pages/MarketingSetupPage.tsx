import { Alert, Card, Loader, Stack } from '@mantine/core'
import { errorText } from '../api/api'
import type { MarketingSetupStatus, Row } from '../api/types'
import { CardHeader } from '../components/CardHeader'
import { RecordFields } from '../components/RecordFields'
import { useRecord } from '../components/useRecord'
import { useCan } from '../lib/auth'
import { MARKETING_SETUP_FIELDS } from '../lib/resources'
import { MailServerSection } from './MailServerSection'

export default function MarketingSetupPage() {
  // The server lets only admins change the setup (PATCH is admin-only).
  const isAdmin = useCan('admin')
  const rec = useRecord<Row & MarketingSetupStatus>('/api/setup/marketing', '/api/setup/marketing')
  return (
    <Stack>
      <CardHeader
        listHref="/"
        listTitle="Home"
        title="Marketing Setup"
        subtitle="Number series, defaults and inheritance of new contacts, and the e-mail server"
      />
      {rec.isPending ? (
        <Loader />
      ) : rec.isError ? (
        <Alert color="red">{errorText(rec.error)}</Alert>
      ) : (
        <>
          <Card withBorder>
            <RecordFields
              fields={MARKETING_SETUP_FIELDS}
              record={rec.data}
              canEdit={isAdmin}
              onSave={(fd, v) => rec.save({ [fd.name]: v })}
            />
          </Card>
          <MailServerSection record={rec.data} isAdmin={isAdmin} onSave={(body) => rec.save(body)} />
        </>
      )}
    </Stack>
  )
}
